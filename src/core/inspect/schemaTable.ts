/**
 * The schema classes as plain descriptions the annotator walks, from @peculiar/asn1-schema's field
 * table (read through src/core/base/fromTree.ts, the one module that reads the library's storage).
 */
import { AsnPropTypes, AsnTypeTypes } from '@peculiar/asn1-schema';
import type { OpenType } from '../asn1';
import { hasSchema, isArrayType, schemaOf, selfTag, universalOf } from '../base/fromTree';

/** A tag to match: class (0 universal … 3 private) and number; `any` matches every tag. */
export type TagMatch = { cls: number; num: number } | 'any';

export interface FieldSpec {
  name: string;
  type: OpenType;
  optional: boolean;
  context?: number;
  implicit: boolean;
  repeated?: 'sequence' | 'set';
}

export interface StructSpec {
  kind: 'sequence' | 'set' | 'choice';
  name: string;
  ctor: OpenType;
  fields: FieldSpec[];
}
export interface ArraySpec {
  kind: 'array';
  name: string;
  ctor: OpenType;
  set: boolean;
  itemType: OpenType;
}
export interface ConvertibleSpec {
  kind: 'convertible';
  name: string;
  ctor: OpenType;
  tag: TagMatch;
}

export type TypeSpec = { kind: 'builtin'; asn: AsnPropTypes } | ConvertibleSpec | StructSpec | ArraySpec;

/** Universal tag number of a built-in type; undefined for ANY. */
export function universalTag(asn: AsnPropTypes): number | undefined {
  return universalOf[asn];
}

const cache = new Map<OpenType, TypeSpec>();
const builtins: TypeSpec[] = [];

/** Describes a type; classes without a schema are reported as ANY. */
export function describe(type: OpenType): TypeSpec {
  if (typeof type === 'number') return (builtins[type] ??= { kind: 'builtin', asn: type });
  const known = cache.get(type);
  if (known) return known;
  const spec = describeClass(type);
  cache.set(type, spec);
  return spec;
}

function describeClass(ctor: new () => object): TypeSpec {
  const proto = ctor.prototype as { toASN?: unknown; fromASN?: unknown };
  if (typeof proto.toASN === 'function' && typeof proto.fromASN === 'function') {
    return { kind: 'convertible', name: ctor.name, ctor, tag: convertibleTag(ctor) };
  }
  if (!hasSchema(ctor)) return { kind: 'builtin', asn: AsnPropTypes.Any };
  const schema = schemaOf(ctor);
  if (isArrayType(ctor)) {
    return {
      kind: 'array',
      name: ctor.name,
      ctor,
      set: schema.type === AsnTypeTypes.Set,
      itemType: schema.itemType as OpenType,
    };
  }
  const fields: FieldSpec[] = Object.entries(schema.items).map(([name, item]) => ({
    name,
    type: item.type as OpenType,
    optional: !!item.optional || item.defaultValue !== undefined,
    context: item.context,
    implicit: !!item.implicit,
    repeated: item.repeated,
  }));
  const kind =
    schema.type === AsnTypeTypes.Choice ? 'choice' : schema.type === AsnTypeTypes.Set ? 'set' : 'sequence';
  return { kind, name: ctor.name, ctor, fields };
}

function convertibleTag(ctor: new () => object): TagMatch {
  return selfTag(ctor) ?? 'any';
}

// Maps, not WeakMaps: the schema's objects live as long as the module, and a Map is faster to read.
const fieldTagCache = new Map<FieldSpec, TagMatch[]>();
const typeTagCache = new Map<OpenType, TagMatch[]>();

/** The tags a field's element may carry, context tag included. */
export function fieldTags(field: FieldSpec): TagMatch[] {
  let tags = fieldTagCache.get(field);
  if (!tags) {
    if (field.context !== undefined) tags = [{ cls: 2, num: field.context }];
    else if (field.repeated) tags = [{ cls: 0, num: field.repeated === 'set' ? 17 : 16 }];
    else tags = typeTags(field.type, 0);
    fieldTagCache.set(field, tags);
  }
  return tags;
}

/** The tags an element of `type` may carry (several for a CHOICE). */
export function typeTags(type: OpenType, depth = 0): TagMatch[] {
  let tags = typeTagCache.get(type);
  if (!tags) {
    tags = computeTypeTags(type, depth);
    if (depth === 0) typeTagCache.set(type, tags);
  }
  return tags;
}

function computeTypeTags(type: OpenType, depth: number): TagMatch[] {
  const spec = describe(type);
  switch (spec.kind) {
    case 'builtin': {
      const num = universalTag(spec.asn);
      return num === undefined ? ['any'] : [{ cls: 0, num }];
    }
    case 'convertible':
      return [spec.tag];
    case 'sequence':
      return [{ cls: 0, num: 16 }];
    case 'set':
      return [{ cls: 0, num: 17 }];
    case 'array':
      return [{ cls: 0, num: spec.set ? 17 : 16 }];
    case 'choice':
      return depth > 8
        ? ['any']
        : spec.fields.flatMap((f) =>
            f.context !== undefined ? [{ cls: 2, num: f.context }] : typeTags(f.type, depth + 1),
          );
  }
}

export function tagMatches(tags: TagMatch[], cls: number, num: number): boolean {
  for (const t of tags) if (t === 'any' || (t.cls === cls && t.num === num)) return true;
  return false;
}
