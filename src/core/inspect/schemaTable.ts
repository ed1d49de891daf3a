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
  /** A number of its own among all fields described (annotators keep per-field facts in arrays by it). */
  id: number;
  name: string;
  type: OpenType;
  optional: boolean;
  context?: number;
  implicit: boolean;
  repeated?: 'sequence' | 'set';
  /** fieldTags, kept once made. */
  tags?: TagMatch[];
}

/** What every description has: a number of its own (as FieldSpec.id) and its tags once made (typeTags). */
interface Described {
  id: number;
  tags?: TagMatch[];
}
export interface StructSpec extends Described {
  kind: 'sequence' | 'set' | 'choice';
  name: string;
  ctor: OpenType;
  fields: FieldSpec[];
}
export interface ArraySpec extends Described {
  kind: 'array';
  name: string;
  ctor: OpenType;
  set: boolean;
  itemType: OpenType;
}
export interface ConvertibleSpec extends Described {
  kind: 'convertible';
  name: string;
  ctor: OpenType;
  tag: TagMatch;
}
export interface BuiltinSpec extends Described {
  kind: 'builtin';
  asn: AsnPropTypes;
}

export type TypeSpec = BuiltinSpec | ConvertibleSpec | StructSpec | ArraySpec;

let described = 0;
/** A new description's (or field's) number. */
export function nextId(): number {
  return described++;
}

/** Universal tag number of a built-in type; undefined for ANY. */
export function universalTag(asn: AsnPropTypes): number | undefined {
  return universalOf[asn];
}

const cache = new Map<OpenType, TypeSpec>();
const builtins: TypeSpec[] = [];

/** Describes a type; classes without a schema are reported as ANY. */
export function describe(type: OpenType): TypeSpec {
  if (typeof type === 'number') return (builtins[type] ??= { kind: 'builtin', asn: type, id: nextId() });
  const known = cache.get(type);
  if (known) return known;
  const spec = describeClass(type);
  cache.set(type, spec);
  return spec;
}

function describeClass(ctor: new () => object): TypeSpec {
  const proto = ctor.prototype as { toASN?: unknown; fromASN?: unknown };
  if (typeof proto.toASN === 'function' && typeof proto.fromASN === 'function') {
    return { kind: 'convertible', name: ctor.name, ctor, tag: convertibleTag(ctor), id: nextId() };
  }
  if (!hasSchema(ctor)) return { kind: 'builtin', asn: AsnPropTypes.Any, id: nextId() };
  const schema = schemaOf(ctor);
  if (isArrayType(ctor)) {
    return {
      kind: 'array',
      name: ctor.name,
      ctor,
      set: schema.type === AsnTypeTypes.Set,
      itemType: schema.itemType as OpenType,
      id: nextId(),
    };
  }
  const fields: FieldSpec[] = Object.entries(schema.items).map(([name, item]) => ({
    id: nextId(),
    name,
    type: item.type as OpenType,
    optional: !!item.optional || item.defaultValue !== undefined,
    context: item.context,
    implicit: !!item.implicit,
    repeated: item.repeated,
  }));
  const kind =
    schema.type === AsnTypeTypes.Choice ? 'choice' : schema.type === AsnTypeTypes.Set ? 'set' : 'sequence';
  return { kind, name: ctor.name, ctor, fields, id: nextId() };
}

function convertibleTag(ctor: new () => object): TagMatch {
  return selfTag(ctor) ?? 'any';
}

/** The tags a field's element may carry, context tag included (kept on the field: read per node). */
export function fieldTags(field: FieldSpec): TagMatch[] {
  if (field.tags) return field.tags;
  if (field.context !== undefined) return (field.tags = [{ cls: 2, num: field.context }]);
  if (field.repeated) return (field.tags = [{ cls: 0, num: field.repeated === 'set' ? 17 : 16 }]);
  return (field.tags = typeTags(field.type, 0));
}

/** The tags an element of `type` may carry (several for a CHOICE). */
export function typeTags(type: OpenType, depth = 0): TagMatch[] {
  const spec = describe(type);
  if (spec.tags) return spec.tags;
  const tags = computeTypeTags(type, depth);
  if (depth === 0) spec.tags = tags;
  return tags;
}

/** typeTags of a type already described. */
export function specTags(spec: TypeSpec, type: OpenType): TagMatch[] {
  return spec.tags ?? typeTags(type);
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
