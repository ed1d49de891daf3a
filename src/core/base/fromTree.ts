/**
 * Schema objects (the `@peculiar/asn1-schema` classes of src/core/asn1 and of @peculiar/asn1-x509,
 * -cms, …) made from our TLV tree, in place of the schema library's own parse: that one first turns
 * the bytes into asn1js's objects (a live object per element, ten thousand at most, and about a
 * hundred times the cost of our reader), then matches them against its schema. Here the elements
 * stay in the TlvTree's arrays and each field is matched and converted straight from them.
 *
 * What it accepts and what it makes are the schema library's, rule for rule (2.11.1's AsnParser over
 * asn1js 3's compareSchema): the same schema objects (asn1js schema trees, built once per class by
 * the library's storage) are compiled into matchers, an optional field is told apart the way asn1js
 * does (by its tag, or by its whole shape for an optional SEQUENCE), elements past a SEQUENCE's
 * fields are passed over as there, and every converter gives the value the library's would (a
 * four-octet INTEGER as decimal text, a BIT STRING without its unused-bits octet, …). A test decodes
 * every fixture both ways and compares (test/unit/fromTree.test.ts). Values of rare forms (a time
 * that is not DER, UniversalString, a converter this module does not know) go through asn1js's own
 * value classes, one primitive at a time.
 */
import * as asn1js from 'asn1js';
import {
  AsnAnyConverter,
  AsnBitStringConverter,
  AsnBmpStringConverter,
  AsnCharacterStringConverter,
  AsnGeneralStringConverter,
  AsnGraphicStringConverter,
  AsnIA5StringConverter,
  AsnNumericStringConverter,
  AsnPrintableStringConverter,
  AsnTeletexStringConverter,
  AsnVideotexStringConverter,
  AsnVisibleStringConverter,
  AsnBooleanConverter,
  AsnConstructedOctetStringConverter,
  AsnEnumeratedConverter,
  AsnGeneralizedTimeConverter,
  AsnIntegerArrayBufferConverter,
  AsnIntegerBigIntConverter,
  AsnIntegerConverter,
  AsnNullConverter,
  AsnObjectIdentifierConverter,
  AsnOctetStringConverter,
  AsnPropTypes,
  AsnTypeTypes,
  AsnUTCTimeConverter,
  AsnUtf8StringConverter,
  BitString,
  OctetString,
  defaultConverter,
  type IAsnConverter,
} from '@peculiar/asn1-schema';
// The library's schema storage is not among its index's exports; its CommonJS build is the one the
// bundles and Node load (esbuild's mainFields put `main` first), so this is the instance the
// decorators filled (another would hold no schema for our classes: every decode would fail, and
// every test that reads a message would say so).
import { schemaStorage } from '@peculiar/asn1-schema/build/cjs/storage';
import { AsnSafeIntegerConverter, safeInteger } from '../asn1/integer';
import { TlvFlag, type TlvTree } from '../der/reader';
import { decodeInteger, decodeOid } from '../der/values';

// Read once: in a bundle, a CommonJS module's exports are getters, a call per read (per element).
const Prop = AsnPropTypes;
const BitStringClass = BitString;
const OctetStringClass = OctetString;

type Ctor<T = unknown> = new () => T;

/** A schema item as the library stores it. */
interface SchemaItem {
  type: AsnPropTypes | Ctor;
  optional?: boolean;
  defaultValue?: unknown;
  context?: number;
  implicit?: boolean;
  converter?: IAsnConverter;
  repeated?: 'set' | 'sequence';
  raw?: boolean;
}

interface Schema {
  type: AsnTypeTypes;
  itemType?: AsnPropTypes | Ctor;
  items: Record<string, SchemaItem>;
  schema?: unknown;
}

const schemas = new WeakMap<Ctor, Schema>();

/**
 * A class's schema (its asn1js schema tree built once): this module is the one that reads the
 * library's schema storage (the inspector's schema table asks here too).
 */
export function schemaOf(type: Ctor): Schema {
  let s = schemas.get(type);
  if (!s) {
    s = schemaStorage.get(type) as Schema;
    schemaStorage.cache(type);
    schemas.set(type, s);
  }
  return s;
}

/** Whether the schema library has a schema for `type`. */
export function hasSchema(type: unknown): type is Ctor {
  return typeof type === 'function' && schemaStorage.has(type as Ctor);
}

/** A value that does not fit its type; decodeAs puts it in our words. */
export class SchemaMismatch extends Error {
  constructor(
    readonly typeName: string,
    /** A CHOICE none of whose alternatives fits (an optional CHOICE field is then left out). */
    readonly noChoice = false,
  ) {
    super(`does not match ${typeName}`);
  }
}

// Matchers: asn1js schema trees compiled once.

const enum Kind {
  Any,
  Choice,
  Constructed,
  Primitive,
}

interface Matcher {
  kind: Kind;
  name: string;
  optional: boolean;
  /** Our tag class (0 universal … 3 private), tag number, constructed. */
  cls: number;
  tag: number;
  cons: boolean;
  /** Choice: the alternatives; Constructed: the fields. */
  items: Matcher[];
  /** Constructed whose first field is a Repeated (SEQUENCE OF / SET OF). */
  repeated?: { m: Matcher; name: string; optional: boolean };
}

const compiled = new WeakMap<object, Matcher>();

interface Asn1Schema {
  name?: string;
  optional?: boolean;
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean };
  valueBlock: { value: Asn1Schema[] };
  value: Asn1Schema | Asn1Schema[];
}

function compile(s: Asn1Schema): Matcher {
  const known = compiled.get(s);
  if (known) return known;
  const m: Matcher = {
    kind: Kind.Primitive,
    name: (s.name ?? '').trim(),
    optional: s.optional === true,
    cls: 0,
    tag: 0,
    cons: false,
    items: [],
  };
  compiled.set(s, m);
  if (s instanceof asn1js.Choice) {
    m.kind = Kind.Choice;
    m.items = (s.value as Asn1Schema[]).map(compile);
  } else if (s instanceof asn1js.Any) {
    m.kind = Kind.Any;
  } else {
    m.cls = s.idBlock.tagClass - 1;
    m.tag = s.idBlock.tagNumber;
    m.cons = s.idBlock.isConstructed;
    if (s instanceof asn1js.Constructed) {
      m.kind = Kind.Constructed;
      const value = s.valueBlock.value;
      const first = value[0];
      if (first instanceof asn1js.Repeated) {
        const r = first as unknown as Asn1Schema;
        m.repeated = {
          m: compile(r.value as Asn1Schema),
          name: (r.name ?? '').trim(),
          optional: r.optional === true,
        };
      } else m.items = value.map(compile);
    }
  }
  return m;
}

/** The tag an element is taken to have (an IMPLICIT tag undone), when not its own. */
interface View {
  cls: number;
  tag: number;
  cons: boolean;
}

const asSequence: View = { cls: 0, tag: 16, cons: true };
const asSet: View = { cls: 0, tag: 17, cons: true };

type Root = Record<string, number | number[]>;

/**
 * asn1js's compareSchema over the tree: whether `v` fits `m`, recording named elements in `root`.
 * Its rules, kept: a field past the input is missing (an error unless optional); an optional field
 * that does not fit is skipped; the last field compared decides; elements past the fields are not
 * looked at; a tag of 31 or more never fits (asn1js marks it "hex only").
 */
function fits(t: TlvTree, root: Root, i: number, m: Matcher, as?: View): boolean {
  if (m.kind === Kind.Choice) {
    for (const alt of m.items) if (fits(t, root, i, alt, as)) return true;
    return false;
  }
  if (m.kind === Kind.Any) {
    if (m.name) root[m.name] = i;
    return true;
  }
  const f = t.flags[i];
  const cls = as ? as.cls : f & 3;
  const tag = as ? as.tag : t.tagNumber[i];
  const cons = as ? as.cons : (f & TlvFlag.Constructed) !== 0;
  if (m.cls !== cls || m.tag !== tag || m.cons !== cons || tag >= 31) return false;
  if (m.name) root[m.name] = i;
  if (m.kind !== Kind.Constructed || fitsContent(t, root, i, m)) return true;
  if (m.name) delete root[m.name];
  return false;
}

/** Whether the elements inside `i` fit the fields (or the repeated element) of `m`. */
function fitsContent(t: TlvTree, root: Root, i: number, m: Matcher): boolean {
  const r = m.repeated;
  if (r) {
    for (let c = t.firstChild[i]; c >= 0; c = t.nextSibling[c]) {
      if (!fits(t, root, c, r.m) && !r.optional) return false;
      if (r.name) ((root[r.name] ??= []) as number[]).push(c);
    }
    return true;
  }
  const fields = m.items;
  if (fields.length === 0) return true;
  const count = t.childCount[i];
  if (count === 0) return fields.every((f) => f.optional);
  let last = false;
  let c = t.firstChild[i];
  let at = 0;
  for (const f of fields) {
    if (at >= count) {
      if (!f.optional) return false;
      continue;
    }
    last = fits(t, root, c, f);
    if (last) {
      c = t.nextSibling[c];
      at++;
    } else if (!f.optional) return false;
  }
  return last;
}

// Values.

const copy = (t: TlvTree, start: number, end: number): ArrayBuffer =>
  t.bytes.buffer.slice(t.bytes.byteOffset + start, t.bytes.byteOffset + end) as ArrayBuffer;

const content = (t: TlvTree, i: number): Uint8Array => {
  const s = t.contentStart(i);
  return t.bytes.subarray(s, s + t.length[i]);
};

const latin1 = (c: Uint8Array): string => {
  let s = '';
  for (let k = 0; k < c.length; k += 8192) s += String.fromCharCode(...c.subarray(k, k + 8192));
  return s;
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** asn1js's OID text (every arc, however many). */
function oidText(c: Uint8Array): string {
  // asn1js refuses a subidentifier with a leading 0x80 octet (not minimal) and an empty or cut one.
  if (c.length === 0 || c[c.length - 1] & 0x80) throw new SchemaMismatch('OBJECT IDENTIFIER');
  for (let k = 0; k < c.length; k++)
    if (c[k] === 0x80 && (k === 0 || !(c[k - 1] & 0x80))) throw new SchemaMismatch('OBJECT IDENTIFIER');
  const text = decodeOid(c);
  if (text !== undefined && !text.includes('…')) return text;
  // Cut (very many arcs) or malformed: asn1js's own reading of the value.
  const oid = new asn1js.ObjectIdentifier();
  oid.valueBlock.fromBER(c, 0, c.length);
  return oid.valueBlock.toString();
}

const digits = (c: Uint8Array, from: number, n: number): number => {
  let v = 0;
  for (let k = from; k < from + n; k++) v = v * 10 + (c[k] - 48);
  return v;
};

const allDigits = (c: Uint8Array, from: number, to: number): boolean => {
  for (let k = from; k < to; k++) if (c[k] < 48 || c[k] > 57) return false;
  return true;
};

/** UTCTime / GeneralizedTime as asn1js's toDate gives it; DER's forms here, the rest by asn1js. */
function timeOf(c: Uint8Array, generalized: boolean): Date {
  const n = c.length;
  if (!generalized && n === 13 && c[12] === 0x5a && allDigits(c, 0, 12)) {
    const yy = digits(c, 0, 2);
    const y = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(
      Date.UTC(y, digits(c, 2, 2) - 1, digits(c, 4, 2), digits(c, 6, 2), digits(c, 8, 2), digits(c, 10, 2)),
    );
  }
  if (generalized && n >= 15 && c[n - 1] === 0x5a && allDigits(c, 0, 14)) {
    let ms = 0;
    let ok = n === 15;
    if (n > 16 && c[14] === 0x2e && allDigits(c, 15, n - 1)) {
      ok = true;
      ms = Math.floor(1000 * Number(`0.${latin1(c.subarray(15, n - 1))}`));
    }
    if (ok)
      return new Date(
        Date.UTC(
          digits(c, 0, 4),
          digits(c, 4, 2) - 1,
          digits(c, 6, 2),
          digits(c, 8, 2),
          digits(c, 10, 2),
          digits(c, 12, 2),
          ms,
        ),
      );
  }
  const time = generalized ? new asn1js.GeneralizedTime() : new asn1js.UTCTime();
  time.fromBuffer(c);
  if (time.error) throw new SchemaMismatch(generalized ? 'GeneralizedTime' : 'UTCTime');
  return time.toDate();
}

/** A primitive value by its type's number, as the library's default converter makes it. */
function primitive(t: TlvTree, i: number, type: AsnPropTypes): unknown {
  const c = content(t, i);
  switch (type) {
    case Prop.Any:
      return anyOf(t, i);
    case Prop.Integer:
      return c.length >= 4 ? decodeInteger(c).toString() : Number(decodeInteger(c));
    case Prop.Enumerated:
      return c.length >= 4 ? 0 : Number(decodeInteger(c));
    case Prop.Boolean:
      return c.some((b) => b !== 0);
    case Prop.OctetString:
      return copy(t, c.byteOffset - t.bytes.byteOffset, c.byteOffset - t.bytes.byteOffset + c.length);
    case Prop.BitString:
      if (c.length === 0) throw new SchemaMismatch('BIT STRING');
      return copy(t, c.byteOffset - t.bytes.byteOffset + 1, c.byteOffset - t.bytes.byteOffset + c.length);
    case Prop.ObjectIdentifier:
      return oidText(c);
    case Prop.Null:
      return null;
    case Prop.Utf8String:
      try {
        return utf8.decode(c);
      } catch {
        return latin1(c);
      }
    case Prop.BmpString: {
      let s = '';
      for (let k = 0; k + 1 < c.length; k += 2) s += String.fromCharCode((c[k] << 8) | c[k + 1]);
      return s;
    }
    case Prop.UTCTime:
      return timeOf(c, false);
    case Prop.GeneralizedTime:
      return timeOf(c, true);
    case Prop.NumericString:
    case Prop.PrintableString:
    case Prop.TeletexString:
    case Prop.VideotexString:
    case Prop.IA5String:
    case Prop.GraphicString:
    case Prop.VisibleString:
    case Prop.GeneralString:
    case Prop.CharacterString:
      return latin1(c);
    default:
      return viaAsn1js(t, i, type, defaultConverter(type) ?? undefined);
  }
}

/** ANY: the element as encoded (a copy), or null for a NULL (the library's AsnAnyConverter). */
function anyOf(t: TlvTree, i: number): ArrayBuffer | null {
  return (t.flags[i] & 3) === 0 && t.tagNumber[i] === 5 ? null : copy(t, t.offset[i], t.end(i));
}

/** The universal tag number of each type number (the inspector's schema table, IMPLICIT tags undone). */
export const universalOf: Partial<Record<AsnPropTypes, number>> = {
  [Prop.Boolean]: 1,
  [Prop.Integer]: 2,
  [Prop.BitString]: 3,
  [Prop.OctetString]: 4,
  [Prop.Null]: 5,
  [Prop.ObjectIdentifier]: 6,
  [Prop.Enumerated]: 10,
  [Prop.Utf8String]: 12,
  [Prop.RelativeObjectIdentifier]: 13,
  [Prop.TIME]: 14,
  [Prop.NumericString]: 18,
  [Prop.PrintableString]: 19,
  [Prop.TeletexString]: 20,
  [Prop.VideotexString]: 21,
  [Prop.IA5String]: 22,
  [Prop.UTCTime]: 23,
  [Prop.GeneralizedTime]: 24,
  [Prop.GraphicString]: 25,
  [Prop.VisibleString]: 26,
  [Prop.GeneralString]: 27,
  [Prop.UniversalString]: 28,
  [Prop.CharacterString]: 29,
  [Prop.BmpString]: 30,
  [Prop.DATE]: 31,
  [Prop.TimeOfDay]: 32,
  [Prop.DateTime]: 33,
  [Prop.Duration]: 34,
};

/**
 * The rare case: one primitive element handed to asn1js (as the universal type `type` when given)
 * and converted by `converter` (the type's default converter when none).
 */
function viaAsn1js(
  t: TlvTree,
  i: number,
  type: AsnPropTypes | undefined,
  converter: IAsnConverter | undefined,
): unknown {
  const bytes = new Uint8Array(t.bytes.subarray(t.offset[i], t.end(i)));
  const tag = type !== undefined ? universalOf[type] : undefined;
  if (tag !== undefined) bytes[0] = tag | (bytes[0] & 0x20);
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw new SchemaMismatch(type !== undefined ? AsnPropTypes[type] : 'value');
  if (converter) return converter.fromASN(parsed.result);
  throw new SchemaMismatch(type !== undefined ? AsnPropTypes[type] : 'value');
}

/** The library's converters this module makes values for itself, by what they make. */
const converterType = new Map<IAsnConverter, AsnPropTypes | 'intBytes' | 'bigint' | 'safe' | 'octets'>([
  [AsnAnyConverter, Prop.Any],
  [AsnIntegerConverter, Prop.Integer],
  [AsnEnumeratedConverter, Prop.Enumerated],
  [AsnBooleanConverter, Prop.Boolean],
  [AsnOctetStringConverter, Prop.OctetString],
  [AsnBitStringConverter, Prop.BitString],
  [AsnObjectIdentifierConverter, Prop.ObjectIdentifier],
  [AsnNullConverter, Prop.Null],
  [AsnUtf8StringConverter, Prop.Utf8String],
  [AsnBmpStringConverter, Prop.BmpString],
  [AsnNumericStringConverter, Prop.NumericString],
  [AsnPrintableStringConverter, Prop.PrintableString],
  [AsnTeletexStringConverter, Prop.TeletexString],
  [AsnVideotexStringConverter, Prop.VideotexString],
  [AsnIA5StringConverter, Prop.IA5String],
  [AsnGraphicStringConverter, Prop.GraphicString],
  [AsnVisibleStringConverter, Prop.VisibleString],
  [AsnGeneralStringConverter, Prop.GeneralString],
  [AsnCharacterStringConverter, Prop.CharacterString],
  [AsnUTCTimeConverter, Prop.UTCTime],
  [AsnGeneralizedTimeConverter, Prop.GeneralizedTime],
  [AsnIntegerArrayBufferConverter, 'intBytes'],
  [AsnIntegerBigIntConverter, 'bigint'],
  [AsnSafeIntegerConverter, 'safe'],
  [AsnConstructedOctetStringConverter, 'octets'],
]);

/** A value by an explicit converter of a field. */
function converted(t: TlvTree, i: number, converter: IAsnConverter, type: AsnPropTypes): unknown {
  const kind = converterType.get(converter);
  if (kind === undefined) return viaAsn1js(t, i, type, converter);
  const c = content(t, i);
  switch (kind) {
    case 'intBytes':
      return copy(t, t.contentStart(i), t.contentStart(i) + c.length);
    case 'bigint':
      return decodeInteger(c);
    case 'safe':
      return safeInteger(c);
    case 'octets':
      return new OctetString(c);
    default:
      return primitive(t, i, kind);
  }
}

/** Whether `type` converts itself (the library's BitString, OctetString and their subclasses). */
function convertible(type: unknown): type is Ctor<{ fromASN(v: unknown): unknown }> {
  return typeof type === 'function' && typeof type.prototype?.fromASN === 'function';
}

/**
 * A value of a self-converting class: BitString and OctetString made here, any other by asn1js.
 * `implicit`: the element's tag was matched already (or stands for the class's), so not checked.
 */
function ofClass(
  t: TlvTree,
  i: number,
  type: Ctor<{ fromASN(v: unknown): unknown }>,
  implicit = false,
): unknown {
  const tag = selfTag(type);
  if (
    !implicit &&
    tag &&
    ((t.flags[i] & 3) !== tag.cls || t.tagNumber[i] !== tag.num || t.flags[i] & TlvFlag.Constructed)
  )
    throw new SchemaMismatch(type.name);
  const value = new type();
  const c = content(t, i);
  const start = t.contentStart(i);
  if (value instanceof BitStringClass) {
    if (c.length === 0) throw new SchemaMismatch('BIT STRING');
    value.unusedBits = c[0];
    value.value = copy(t, start + 1, start + c.length);
    return value;
  }
  if (value instanceof OctetStringClass) {
    value.buffer = copy(t, start, start + c.length);
    return value;
  }
  const bytes = t.bytes.slice(t.offset[i], t.end(i));
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw new SchemaMismatch(type.name);
  return value.fromASN(parsed.result);
}

const stringTypes = new Set([12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30]);
const typeOfTag = new Map(Object.entries(universalOf).map(([k, v]) => [v, Number(k) as AsnPropTypes]));

/**
 * An element of a SEQUENCE OF (or an IMPLICIT SET OF) `type`: the library converts these without
 * looking at their tags (asn1js then hands the converter a value of another class: an OID read as an
 * INTEGER, a SEQUENCE's children as a "string", or a TypeError); here an element must carry its
 * type's tag. Text is read as whatever string type it is (a PrintableString in a PKIFreeText reads,
 * as it does there). Returns the type to read the element as.
 */
function elementType(t: TlvTree, i: number, type: AsnPropTypes): AsnPropTypes {
  if (type === Prop.Any) return type;
  const universal = (t.flags[i] & 3) === 0 && !(t.flags[i] & TlvFlag.Constructed);
  const tag = t.tagNumber[i];
  if (universal && tag === universalOf[type]) return type;
  if (universal && stringTypes.has(tag) && stringTypes.has(universalOf[type] ?? -1))
    return typeOfTag.get(tag)!;
  throw new SchemaMismatch(AsnPropTypes[type]);
}

const selfTags = new WeakMap<Ctor, { cls: number; num: number } | undefined>();

/**
 * The tag a self-converting class's value carries (its own schema's: BIT STRING for BitString and its
 * subclasses, OCTET STRING for OctetString's), undefined when it names none.
 */
export function selfTag(type: Ctor): { cls: number; num: number } | undefined {
  if (selfTags.has(type)) return selfTags.get(type);
  const schema = (
    new type() as { toSchema?: (name: string) => { idBlock: { tagClass: number; tagNumber: number } } }
  ).toSchema?.('');
  const tag =
    schema && schema.idBlock.tagClass >= 1
      ? { cls: schema.idBlock.tagClass - 1, num: schema.idBlock.tagNumber }
      : undefined;
  selfTags.set(type, tag);
  return tag;
}

/** Whether `type` is a SEQUENCE OF / SET OF class (the library's AsnArray and its kin). */
export const isArrayType = (type: object): boolean => Array.isPrototypeOf(type);

/**
 * The value of a primitive or self-converting field `item` of type `T` from element `i`; `as`: the
 * type the element is read as when it differs (a PrintableString where a UTF8String belongs).
 */
function fieldValue(
  t: TlvTree,
  i: number,
  item: SchemaItem,
  T: AsnPropTypes | Ctor,
  as: AsnPropTypes | undefined,
  implicit: boolean,
): unknown {
  if (typeof T !== 'number') return ofClass(t, i, T as Ctor<{ fromASN(v: unknown): unknown }>, implicit);
  const c = item.converter;
  return c && !(as !== undefined && as !== T && converterType.get(c) === T)
    ? converted(t, i, c, as ?? T)
    : primitive(t, i, as ?? T);
}

/** A field of a class, with what its decoding needs worked out once. */
interface Field {
  key: string;
  item: SchemaItem;
  T: AsnPropTypes | Ctor;
  /** A primitive type or a self-converting class. */
  primitive: boolean;
  /** The tag an IMPLICIT SEQUENCE or SET field's element is taken to have. */
  implicitAs?: View;
  /** An optional CHOICE: left out when none of its alternatives fits. */
  optionalChoice: boolean;
}

/** How a class is decoded: its schema, matcher and fields, worked out at its first use. */
interface Plan {
  schema: Schema;
  matcher: Matcher;
  array: boolean;
  fields: Field[];
}

const plans = new WeakMap<Ctor, Plan>();

function planOf(type: Ctor): Plan {
  let plan = plans.get(type);
  if (plan) return plan;
  const schema = schemaOf(type);
  const fields: Field[] = [];
  for (const key in schema.items) {
    const item = schema.items[key];
    const T = item.type;
    const primitive = typeof T === 'number' || convertible(T);
    let implicitAs: View | undefined;
    if (!primitive && !item.repeated && item.implicit && typeof item.context === 'number') {
      const kind = schemaOf(T).type;
      implicitAs =
        kind === AsnTypeTypes.Sequence ? asSequence : kind === AsnTypeTypes.Set ? asSet : undefined;
    }
    const optionalChoice =
      !primitive && !!item.optional && hasSchema(T) && schemaOf(T).type === AsnTypeTypes.Choice;
    fields.push({ key, item, T, primitive, implicitAs, optionalChoice });
  }
  plan = { schema, matcher: compile(schema.schema as Asn1Schema), array: isArrayType(type), fields };
  plans.set(type, plan);
  return plan;
}

/** Element `i` (taken to have the tag `as` when given) decoded as `type`: the library's AsnParser.fromASN. */
function decode(t: TlvTree, i: number, type: Ctor, as?: View): unknown {
  if (convertible(type)) return ofClass(t, i, type);
  const plan = planOf(type);
  const schema = plan.schema;
  let m = plan.matcher;
  const f = t.flags[i];
  // An element of a context (application, private) class, constructed: asn1js's generic Constructed.
  if (!as && (f & 3) !== 0 && f & TlvFlag.Constructed) {
    if (schema.type === AsnTypeTypes.Choice) {
      if ((f & 3) === 2)
        for (const key in schema.items) {
          const item = schema.items[key];
          if (item.context === t.tagNumber[i] && item.implicit && hasSchema(item.type)) {
            if (schemaOf(item.type).type === AsnTypeTypes.Sequence) {
              const res = new type() as Record<string, unknown>;
              res[key] = decode(t, i, item.type, asSequence);
              return res;
            }
          }
        }
    } else m = { ...m, cls: 2, tag: t.tagNumber[i], cons: true, name: '' };
  }
  const root: Root = {};
  if (!fits(t, root, i, m, as)) throw new SchemaMismatch(type.name, m.kind === Kind.Choice);
  if (plan.array) {
    const item = schema.itemType!;
    const list = t.children(i);
    const from = (type as unknown as { from(a: number[], f: (c: number) => unknown): unknown }).from;
    return typeof item === 'number'
      ? from.call(type, list, (c) => primitive(t, c, elementType(t, c, item)))
      : from.call(type, list, (c) => decode(t, c, item));
  }
  const res = new type() as Record<string, unknown>;
  for (const field of plan.fields) {
    const at = root[field.key];
    if (at === undefined) continue;
    const { key, item, T } = field;
    if (field.primitive) {
      // An IMPLICIT single value is its content read as T; the elements of an IMPLICIT SET OF are
      // checked (elementType, ofClass), the others were by their schema.
      if (!item.repeated) res[key] = fieldValue(t, at as number, item, T, undefined, !!item.implicit);
      else if (Array.isArray(at)) res[key] = at.map((c) => fieldValue(t, c, item, T, undefined, true));
      else
        res[key] = t
          .children(at)
          .map((c) =>
            fieldValue(t, c, item, T, typeof T === 'number' ? elementType(t, c, T) : undefined, false),
          );
    } else if (item.repeated) {
      if (!Array.isArray(at)) throw new SchemaMismatch(type.name);
      res[key] = at.map((c) => decode(t, c, T as Ctor));
    } else {
      const e = at as number;
      if (field.optionalChoice) {
        try {
          res[key] = decode(t, e, T as Ctor, field.implicitAs);
        } catch (err) {
          if (!(err instanceof SchemaMismatch && err.noChoice)) throw err;
          res[key] = undefined;
        }
      } else {
        res[key] = decode(t, e, T as Ctor, field.implicitAs);
        if (item.raw) res[`${key}Raw`] = t.bytes.subarray(t.offset[e], t.end(e));
      }
    }
  }
  return res;
}

/** Element `i` of `tree` decoded as `type`; throws SchemaMismatch (or a RangeError of a converter). */
export function decodeTree<T>(tree: TlvTree, i: number, type: new () => T): T {
  return decode(tree, i, type as Ctor) as T;
}
