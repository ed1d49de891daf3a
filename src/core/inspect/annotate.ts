/**
 * Schema-directed annotation: walks the TLV tree beside a schema class and names every node with
 * its RFC field name, type and value. Nodes the schema does not explain stay in the tree, generic
 * and counted as unexplained. Never throws on bad input: mismatches become problems.
 */
import type { Problem } from '../../shared/annotated';
import {
  ShapeChoice,
  openFields,
  productionRefs,
  PKIStatus,
  PVNO,
  PubMethod,
  PublicationAction,
  SubsequentMessage,
  type OpenField,
  type OpenType,
} from '../asn1';
import { defaultDerLimits, readInto, type TlvTree } from '../der/reader';
import { hexOffset, tagName, universalName } from '../der/types';
import {
  describe,
  fieldTags,
  nextId,
  specTags,
  tagMatches,
  typeTags,
  universalTag,
  type ArraySpec,
  type ConvertibleSpec,
  type FieldSpec,
  type StructSpec,
  type TypeSpec,
} from './schemaTable';
import { pathAtOffset, rootPath } from './paths';
import { namedBits, summarized } from './render';
import { AnnTree, ValueKind } from './tree';
import { AsnPropTypes } from '@peculiar/asn1-schema';

// Read once: a bundled CommonJS module's exports are getters, one call per read, per node.
const anyAsn = AsnPropTypes.Any;
const bitStringAsn = AsnPropTypes.BitString;
const octetStringAsn = AsnPropTypes.OctetString;

/** Named INTEGER values by "Owner.field". */
const namedIntegers: Record<string, Record<number, string>> = {
  'PKIHeader.pvno': PVNO,
  'PKIStatusInfo.status': PKIStatus,
  'RevAnnContent.status': PKIStatus,
  'PKIPublicationInfo.action': PublicationAction,
  'SinglePubInfo.pubMethod': PubMethod,
  'POPOPrivKey.subsequentMessage': SubsequentMessage,
  // ENUMERATED, named the same way (RFC 5280 §5.3.1): the reasonCode of a CRL entry or an rr.
  'CRLReason.reason': {
    0: 'unspecified',
    1: 'keyCompromise',
    2: 'cACompromise',
    3: 'affiliationChanged',
    4: 'superseded',
    5: 'cessationOfOperation',
    6: 'certificateHold',
    8: 'removeFromCRL',
    9: 'privilegeWithdrawn',
    10: 'aACompromise',
  },
};

/** Serial numbers, shown in hex (as OpenSSL prints them) whatever their size; the details pane adds the decimal. */
const serialFields = new Set([
  'TBSCertificate.serialNumber',
  'RevokedCertificate.userCertificate',
  'CertTemplate.serialNumber',
  'CertId.serialNumber',
  'IssuerAndSerialNumber.serialNumber',
]);

// Facts about a field of an owner, by FieldSpec.id (a field belongs to one owner): arrays, read per node.
const namedFor: (Record<number, string> | null)[] = [];
function namedIntegerCache(owner: string, field: FieldSpec): Record<number, string> | undefined {
  let names = namedFor[field.id];
  if (names === undefined) names = namedFor[field.id] = namedIntegers[`${owner}.${field.name}`] ?? null;
  return names ?? undefined;
}

const serialFor: boolean[] = [];
function isSerialField(owner: string, field: FieldSpec): boolean {
  return (serialFor[field.id] ??= serialFields.has(`${owner}.${field.name}`));
}

// Facts about a production, by its description's id.
const opensFor: (OpenField[] | null)[] = [];
function opensOf(spec: StructSpec): OpenField[] | undefined {
  let opens = opensFor[spec.id];
  if (opens === undefined) {
    const list = openFields.filter((f) => f.owner === spec.ctor);
    opens = opensFor[spec.id] = list.length ? list : null;
  }
  return opens ?? undefined;
}
const summarizedFor: boolean[] = [];

const selectorCache = new Map<string, string[]>();
function selectorParts(selector: string): string[] {
  let parts = selectorCache.get(selector);
  if (!parts) selectorCache.set(selector, (parts = selector.split('.')));
  return parts;
}

export interface AnnotateLimits {
  /** Nesting followed through encapsulated DER, in total. */
  maxDepth: number;
  /** Annotated nodes at most; the rest is shown as "not annotated". */
  maxNodes: number;
  /**
   * Past `maxNodes`, a list's further elements are left out (said in its notes) instead of each shown
   * "not annotated": a first look at a big file (its top rows) need not make a node per CRL entry.
   */
  leaveOutPastLimit?: boolean;
}

/** A problem whose field path is found once the tree is built (see `finish`). */
interface PendingProblem {
  offset: number;
  /** Offset of the element whose path the problem is about. */
  at: number;
  message: (path: string) => string;
  severity: Problem['severity'];
  /** Appended to the element's path (".alternative" for the inside of a CHOICE's explicit tag). */
  suffix: string;
}

/** Annotated nodes are indexes into `out`; TLV elements indexes into its TlvTree (`t` below). */
type Node = number;
type Tlv = number;

/**
 * Field paths are not carried down while annotating (a string per node for the few that a problem
 * needs): a problem names the element it is about, and `finish` finds its path in the built tree.
 */
export class Annotator {
  readonly problems: Problem[] = [];
  private readonly pending: PendingProblem[] = [];
  nodes = 0;
  explained = 0;
  readonly out: AnnTree;
  private readonly t: TlvTree;
  private readonly bytes: Uint8Array;
  private skipNested = false;

  constructor(
    tlvs: TlvTree,
    private readonly limits: AnnotateLimits = { maxDepth: 200, maxNodes: 1_000_000 },
  ) {
    this.t = tlvs;
    this.bytes = tlvs.bytes;
    this.out = new AnnTree(tlvs);
  }

  /** A problem at element `tlv`, about the element `at` (whose path `message` is given). */
  problem(
    tlv: Tlv,
    at: Tlv,
    message: (path: string) => string,
    severity: Problem['severity'] = 'error',
    suffix = '',
  ): void {
    this.pending.push({ offset: this.t.offset[tlv], at: this.t.offset[at], message, severity, suffix });
  }

  /** Resolves the problems found while annotating `root` (root `index` of the input) into `problems`. */
  finish(root: Node, index: number): void {
    const view = this.out.view(root);
    for (const p of this.pending) {
      const found = pathAtOffset(view, rootPath(index), p.at) ?? '';
      const path = found ? `${found}${p.suffix}` : p.suffix.slice(1);
      this.problems.push({
        offset: p.offset,
        message: p.message(path),
        severity: p.severity,
        path: path || undefined,
      });
    }
    this.pending.length = 0;
  }

  private tagText(tlv: Tlv): string {
    return tagName({ tagClass: this.t.tagClass(tlv), tagNumber: this.t.tagNumber[tlv] });
  }

  // Type labels are made once per schema object (or tag) and kept as string indexes: a label built
  // and looked up per node is a million short-lived strings for a big CRL. The string indexes of
  // this tree's labels and names, by description or field id (FieldSpec.id), universal tag number.
  private readonly specLabels: number[] = [];
  private readonly specRefs: number[] = [];
  private readonly universalLabels: number[] = [];
  private readonly fieldNames: number[] = [];
  /** "[0] EXPLICIT", "SEQUENCE OF X", "Choice alt [n] EXPLICIT" by field. */
  private readonly fieldLabels: number[] = [];
  private readonly tagIds = new Map<number, number>();
  private readonly altIds: Map<number, number>[] = [];

  /** Interns `text` as entry `id` of `ids` (the first time: callers read `ids[id]` first). */
  private remember(ids: number[], id: number, text: string): number {
    return (ids[id] = this.out.intern(text));
  }

  /** The string index of the element's tag as ASN.1 writes it. */
  private tagId(tlv: Tlv): number {
    const key = this.t.tagClass(tlv) * 0x20000000 + this.t.tagNumber[tlv];
    let id = this.tagIds.get(key);
    if (id === undefined) this.tagIds.set(key, (id = this.out.intern(this.tagText(tlv))));
    return id;
  }

  /** A node for `tlv` without children or value yet; `name` and `type` are string indexes (a negative name: item "[i]"). */
  private base(tlv: Tlv, name: number, type: number, explained: boolean): Node {
    this.nodes++;
    if (explained) this.explained++;
    return this.out.add(tlv, name, type, explained);
  }

  /** The string index of a field's name. */
  private fieldName(field: FieldSpec): number {
    return this.fieldNames[field.id] ?? this.remember(this.fieldNames, field.id, field.name);
  }

  /** The string index of a production's name. */
  private specLabel(spec: ConvertibleSpec | ArraySpec | StructSpec): number {
    return this.specLabels[spec.id] ?? this.remember(this.specLabels, spec.id, spec.name);
  }

  /** Where the production is defined ("RFC 9810 §5.1.1"), when known. */
  private setRef(node: Node, spec: ConvertibleSpec | ArraySpec | StructSpec): void {
    let id = this.specRefs[spec.id];
    if (id === undefined) {
      const ref = productionRefs.get(spec.ctor as never);
      id = this.specRefs[spec.id] = ref ? this.out.intern(ref) : 0;
    }
    if (id) this.out.ref[node] = id;
  }

  /** Annotates `tlv` as `type`; `implicit` when the element's own tag was replaced by a context tag. */
  annotate(tlv: Tlv, type: OpenType, name: number, depth: number, implicit = false): Node {
    if (this.nodes >= this.limits.maxNodes || depth > this.limits.maxDepth)
      return this.generic(tlv, name, depth, true);
    const spec = describe(type);
    const t = this.t;
    if (
      !implicit &&
      spec.kind !== 'choice' &&
      !tagMatches(specTags(spec, type), t.tagClass(tlv), t.tagNumber[tlv])
    ) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path || 'value'} at offset ${hexOffset(t.offset[tlv])}: expected ${typeLabel(spec)} but found ${this.tagText(tlv)}`,
      );
      return this.generic(tlv, name, depth, true);
    }
    switch (spec.kind) {
      case 'builtin':
        return spec.asn === anyAsn
          ? this.generic(tlv, name, depth, true)
          : this.primitive(tlv, name, spec.asn, depth);
      case 'convertible':
        return this.convertible(tlv, name, spec, depth);
      case 'choice':
        return this.choice(tlv, name, spec, depth);
      case 'array':
        return this.array(tlv, name, spec, depth);
      default:
        return this.sequence(tlv, name, spec, depth);
    }
  }

  private primitive(
    tlv: Tlv,
    name: number,
    asn: AsnPropTypes,
    depth: number,
    bitNames?: readonly string[],
  ): Node {
    const t = this.t;
    const universal = universalTag(asn) ?? t.tagNumber[tlv];
    const label =
      this.universalLabels[universal] ??
      this.remember(this.universalLabels, universal, universalName(universal));
    const node = this.base(tlv, name, label, true);
    if (t.constructed(tlv)) {
      // BER's constructed string: its segments are the string's own pieces (X.690 §8.7.3, §8.23.6).
      const segments = t.children(tlv);
      this.out.reserveKids(node, segments.length);
      segments.forEach((c, k) => {
        const segment = this.generic(c, 0, depth + 1, true);
        this.out.addNote(segment, 'a segment of the constructed string (BER, X.690 §8.7.3)');
        this.out.setKid(node, k, segment);
      });
      this.out.addNote(node, 'constructed encoding (BER)');
      return node;
    }
    this.fillPrimitive(node, universal, bitNames);
    if (universal === 4) this.tryEncapsulated(node, tlv, depth);
    return node;
  }

  private fillPrimitive(node: Node, universal: number, bitNames?: readonly string[]): void {
    const table = bitNames ? this.out.tableIndex(this.out.bitNames, bitNames) + 1 : 0;
    this.out.setValue(node, ValueKind.Primitive, universal | (table << 8));
  }

  private convertible(tlv: Tlv, name: number, spec: ConvertibleSpec, depth: number): Node {
    const universal = spec.tag === 'any' ? this.t.tagNumber[tlv] : spec.tag.num;
    const asn = universal === 3 ? bitStringAsn : universal === 4 ? octetStringAsn : anyAsn;
    const node = this.primitive(tlv, name, asn, depth, namedBits.get(spec.ctor));
    if (spec.name !== 'BitString' && spec.name !== 'OctetString') {
      this.out.type[node] = this.specLabel(spec);
      this.setRef(node, spec);
    }
    return node;
  }

  private choice(tlv: Tlv, name: number, spec: StructSpec, depth: number): Node {
    const t = this.t;
    const alt = alternativeFor(spec, t.tagClass(tlv), t.tagNumber[tlv]);
    if (!alt) {
      const known = contextRange(spec);
      this.problem(tlv, tlv, (path) =>
        known && t.tagClass(tlv) === 2
          ? `${path || 'value'} at offset ${hexOffset(t.offset[tlv])}: unknown ${spec.name} alternative [${t.tagNumber[tlv]}] (${productionRefs.get(spec.ctor)?.split(' §')[0] ?? 'its RFC'} defines ${known})`
          : `${path || 'value'} at offset ${hexOffset(t.offset[tlv])}: ${this.tagText(tlv)} is none of the alternatives of ${spec.name}`,
      );
      return this.generic(tlv, name, depth, true);
    }
    let node: Node;
    if (alt.context !== undefined && !alt.implicit) {
      const label =
        this.fieldLabels[alt.id] ??
        this.remember(this.fieldLabels, alt.id, `${spec.name} ${alt.name} [${alt.context}] EXPLICIT`);
      node = this.base(tlv, name, label, true);
      this.explicitInner(node, tlv, alt, this.fieldName(alt), depth, undefined, false, alt.name);
      this.out.setValue(node, ValueKind.FirstChild);
    } else {
      node = this.fieldValue(tlv, alt, name, depth, undefined);
      this.out.type[node] = this.altId(spec, alt, this.out.type[node]);
      const names = namedIntegerCache(spec.name, alt);
      if (names && this.isPlainInteger(tlv)) this.setNamed(node, names);
    }
    this.setRef(node, spec);
    return node;
  }

  /** "Time utcTime: UTCTime", made once per alternative and inner type. */
  private altId(spec: StructSpec, alt: FieldSpec, inner: number): number {
    let byType = this.altIds[alt.id];
    if (!byType) this.altIds[alt.id] = byType = new Map();
    let id = byType.get(inner);
    if (id === undefined)
      byType.set(inner, (id = this.out.intern(`${spec.name} ${alt.name}: ${this.out.strings[inner]}`)));
    return id;
  }

  private isPlainInteger(tlv: Tlv): boolean {
    const t = this.t;
    const num = t.tagNumber[tlv];
    return (num === 2 || num === 10) && t.tagClass(tlv) === 0 && !t.constructed(tlv);
  }

  private setNamed(node: Node, names: Record<number, string>): void {
    this.out.setValue(node, ValueKind.Named, this.out.tableIndex(this.out.namedTables, names));
  }

  /** The single element inside an explicit tag, as the child of `node`; `alternative` names a CHOICE's, whose path adds it. */
  private explicitInner(
    node: Node,
    tlv: Tlv,
    field: FieldSpec,
    name: number,
    depth: number,
    open?: OpenType,
    encapsulated = false,
    alternative?: string,
  ): void {
    const t = this.t;
    const count = t.childCount[tlv];
    if (!t.constructed(tlv) || count !== 1) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path} at offset ${hexOffset(t.offset[tlv])}: an explicit tag [${field.context}] must hold exactly one element, found ${count}`,
        'error',
        alternative === undefined ? '' : `.${alternative}`,
      );
      const inner = t.children(tlv);
      this.out.reserveKids(node, inner.length);
      inner.forEach((c, k) => this.out.setKid(node, k, this.generic(c, 0, depth + 1, false)));
      return;
    }
    this.out.reserveKids(node, 1);
    const bare = bareField(field);
    const first = t.firstChild[tlv];
    this.out.setKid(
      node,
      0,
      encapsulated
        ? this.encapsulatedField(first, bare, depth + 1, open)
        : this.fieldValue(first, bare, name, depth + 1, open),
    );
  }

  /** Annotates a field's element once any explicit wrapper is removed. */
  private fieldValue(
    tlv: Tlv,
    field: FieldSpec,
    name: number,
    depth: number,
    open: OpenType | undefined,
  ): Node {
    const implicit = field.context !== undefined && field.implicit;
    if (field.repeated) return this.repeated(tlv, field, name, depth, open);
    if (open !== undefined) {
      const t = this.t;
      if (!implicit && !tagMatches(typeTags(open), t.tagClass(tlv), t.tagNumber[tlv])) {
        this.problem(
          tlv,
          tlv,
          (path) =>
            `${path} at offset ${hexOffset(t.offset[tlv])}: by its OID this value should be ${typeLabel(describe(open))}, but it is ${this.tagText(tlv)}`,
          'warning',
        );
        return this.generic(tlv, name, depth, true);
      }
      return this.annotate(tlv, open, name, depth, implicit);
    }
    return this.annotate(tlv, field.type, name, depth, implicit);
  }

  /** Annotates every child of `tlv` as `itemType`, named "[i]", as the children of `node`. */
  private items(node: Node, tlv: Tlv, itemType: OpenType, depth: number): void {
    const t = this.t;
    const shown = this.reserveWithin(node, tlv);
    for (let c = t.firstChild[tlv], k = 0; c >= 0 && k < shown; c = t.nextSibling[c], k++)
      this.out.setKid(node, k, this.annotate(c, itemType, -(k + 1), depth + 1));
  }

  /** Slots for the children of `tlv` (fewer, with a note, past the node limit when `leaveOutPastLimit`). */
  private reserveWithin(node: Node, tlv: Tlv): number {
    const count = this.t.childCount[tlv];
    const room = Math.max(0, this.limits.maxNodes - this.nodes);
    const shown = this.limits.leaveOutPastLimit && count > room ? room : count;
    this.out.reserveKids(node, shown);
    if (shown < count) this.out.addNote(node, `${count - shown} more elements, not read yet`);
    return shown;
  }

  private repeated(
    tlv: Tlv,
    field: FieldSpec,
    name: number,
    depth: number,
    open: OpenType | undefined,
  ): Node {
    const label =
      this.fieldLabels[field.id] ??
      this.remember(
        this.fieldLabels,
        field.id,
        `${field.repeated === 'set' ? 'SET' : 'SEQUENCE'} OF ${typeLabel(describe(field.type))}`,
      );
    const node = this.base(tlv, name, label, true);
    this.items(node, tlv, open ?? field.type, depth);
    return node;
  }

  /** A node named by a production (SEQUENCE, SET OF class), with where the RFC defines it. */
  private production(tlv: Tlv, name: number, spec: ArraySpec | StructSpec): Node {
    const node = this.base(tlv, name, this.specLabel(spec), true);
    this.setRef(node, spec);
    return node;
  }

  private array(tlv: Tlv, name: number, spec: ArraySpec, depth: number): Node {
    const node = this.production(tlv, name, spec);
    this.items(node, tlv, spec.itemType, depth);
    if (spec.name === 'Name' || spec.name === 'RDNSequence') this.out.setValue(node, ValueKind.Name);
    else if (this.out.kidCount[node] !== 1) this.out.setItemsNote(node);
    return node;
  }

  private sequence(tlv: Tlv, name: number, spec: StructSpec, depth: number): Node {
    const t = this.t;
    const node = this.production(tlv, name, spec);
    // One slot per element; until it is filled, a slot is -1 (select() reads the list while it is built).
    this.out.reserveKids(node, t.childCount[tlv]);
    const opens = opensOf(spec);
    let child = t.firstChild[tlv];
    let next = 0;
    const fields = spec.fields;
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index];
      if (child >= 0 && tagMatches(fieldTags(field), t.tagClass(child), t.tagNumber[child])) {
        this.out.setKid(node, next, this.field(child, field, depth + 1, node, spec.name, opens));
        next++;
        child = t.nextSibling[child];
      } else if (child >= 0 && !field.optional && this.standsFor(field, child, spec.fields, index)) {
        // A required CHOICE with an alternative the schema lacks (PKIBody [27]): it is still that
        // field, and the fields after it are read as they are; choice() says what is wrong.
        this.out.setKid(node, next, this.field(child, field, depth + 1, node, spec.name, opens));
        next++;
        child = t.nextSibling[child];
      } else if (!field.optional) {
        const found = child;
        const where =
          found >= 0
            ? `found ${this.tagText(found)} at offset ${hexOffset(t.offset[found])}`
            : 'it is missing';
        this.problem(
          found >= 0 ? found : tlv,
          tlv,
          (path) =>
            `${spec.name}${path ? ` (${path})` : ''}: required field ${field.name} expected, ${where}`,
        );
        if (found < 0) break;
      }
    }
    for (; child >= 0; child = t.nextSibling[child], next++) {
      const extra = child;
      this.problem(
        extra,
        tlv,
        (path) =>
          `${spec.name}${path ? ` (${path})` : ''}: unexpected ${this.tagText(extra)} at offset ${hexOffset(t.offset[extra])} after the last field`,
        'warning',
      );
      this.out.setKid(node, next, this.generic(extra, 0, depth + 1, false));
    }
    if ((summarizedFor[spec.id] ??= summarized.has(spec.name)))
      this.out.setValue(node, ValueKind.Summary, this.out.type[node]);
    return node;
  }

  /** An untagged CHOICE field whose element fits no later field: the element stands where the field does. */
  private standsFor(field: FieldSpec, child: Tlv, fields: FieldSpec[], index: number): boolean {
    if (field.context !== undefined || field.repeated) return false;
    const type = describe(field.type);
    if (type.kind !== 'choice') return false;
    const cls = this.t.tagClass(child);
    const num = this.t.tagNumber[child];
    return !fields.slice(index + 1).some((f) => tagMatches(fieldTags(f), cls, num));
  }

  private field(
    tlv: Tlv,
    field: FieldSpec,
    depth: number,
    owner: Node,
    ownerType: string,
    opens: OpenField[] | undefined,
  ): Node {
    const open = opens && openFieldFor(opens, field.name);
    const entry = open ? open.types.get(this.select(owner, open.selector) ?? '') : undefined;
    const openType =
      entry instanceof ShapeChoice ? entry.pick(this.innerFirst(tlv, field, !!open?.encapsulated)) : entry;
    const name = this.fieldName(field);
    if (field.context !== undefined && !field.implicit) {
      const label =
        this.fieldLabels[field.id] ??
        this.remember(this.fieldLabels, field.id, `[${field.context}] EXPLICIT`);
      const wrapper = this.base(tlv, name, label, true);
      this.explicitInner(wrapper, tlv, field, name, depth, openType, !!open?.encapsulated);
      this.out.setValue(wrapper, ValueKind.FirstChild);
      return wrapper;
    }
    if (open?.encapsulated) return this.encapsulatedField(tlv, field, depth, openType);
    const node = this.fieldValue(tlv, field, name, depth, openType);
    const names = namedIntegerCache(ownerType, field);
    if (names && this.isPlainInteger(tlv)) this.setNamed(node, names);
    else if (
      this.t.tagNumber[tlv] === 2 &&
      this.t.tagClass(tlv) === 0 &&
      !this.t.constructed(tlv) &&
      isSerialField(ownerType, field)
    )
      this.out.setValue(node, ValueKind.Serial);
    return node;
  }

  /** The first element inside a field's value (through an EXPLICIT tag), which a ShapeChoice looks at. */
  private innerFirst(
    tlv: Tlv,
    field: FieldSpec,
    encapsulated: boolean,
  ): { tagClass: number; tagNumber: number } | undefined {
    if (encapsulated) return undefined;
    const t = this.t;
    const value = field.context !== undefined && !field.implicit ? t.firstChild[tlv] : tlv;
    const first = value >= 0 ? t.firstChild[value] : -1;
    return first >= 0 ? { tagClass: t.tagClass(first), tagNumber: t.tagNumber[first] } : undefined;
  }

  /** An OCTET/BIT STRING whose content is DER of the type chosen by an OID. */
  private encapsulatedField(tlv: Tlv, field: FieldSpec, depth: number, inner: OpenType | undefined): Node {
    // With a known inner type, skip the generic look inside: the typed decode below replaces it.
    this.skipNested = inner !== undefined;
    const node = this.annotate(tlv, field.type, this.fieldName(field), depth);
    this.skipNested = false;
    const t = this.t;
    if (inner === undefined || t.constructed(tlv)) return node;
    const skip = t.tagNumber[tlv] === 3 ? 1 : 0;
    const start = t.contentStart(tlv) + skip;
    const doc = readInto(t, start, t.end(tlv), {
      ...defaultDerLimits,
      maxDepth: Math.max(1, this.limits.maxDepth - depth),
    });
    if (doc.roots.length !== 1 || doc.problems.some((p) => p.severity === 'error')) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path} at offset ${hexOffset(t.offset[tlv])}: its content does not decode as ${typeLabel(describe(inner))} (${doc.problems[0]?.message ?? 'no single element'})`,
        'warning',
      );
      return node;
    }
    this.out.setEncapsulates(node);
    // Typed content replaces whatever was below (a BIT STRING has none; skipNested kept it so).
    this.out.reserveKids(node, 1);
    this.out.setKid(node, 0, this.annotate(doc.roots[0], inner, this.fieldName(field), depth + 1));
    return node;
  }

  /** Follows a selector path ("algorithm.algorithm") through annotated siblings to an OID. */
  private select(owner: Node, selector: string): string | undefined {
    const out = this.out;
    let node = owner;
    for (const part of selectorParts(selector)) {
      if (node < 0) return undefined;
      const id = out.intern(part);
      let found = -1;
      for (let k = 0; k < out.kidCount[node]; k++) {
        const c = out.kid(node, k);
        if (c >= 0 && out.name[c] === id) {
          found = c;
          break;
        }
      }
      node = found;
      while (
        node >= 0 &&
        out.typeOf(node).endsWith('EXPLICIT') &&
        out.kidCount[node] === 1 &&
        out.name[out.kid(node, 0)] === id
      )
        node = out.kid(node, 0);
    }
    return node >= 0 ? out.oid(node) : undefined;
  }

  /** OCTET STRING content that is itself one DER element: decoded generically below it. */
  private tryEncapsulated(node: Node, tlv: Tlv, depth: number): void {
    if (this.skipNested) return;
    const t = this.t;
    const start = t.contentStart(tlv);
    if (t.length[tlv] < 2 || (this.bytes[start] !== 0x30 && this.bytes[start] !== 0x31)) return;
    const before = t.count;
    const doc = readInto(t, start, t.end(tlv), {
      ...defaultDerLimits,
      maxDepth: Math.max(1, this.limits.maxDepth - depth),
    });
    if (doc.roots.length !== 1 || doc.problems.length) {
      // Not DER after all: forget what was read.
      t.count = before;
      return;
    }
    this.out.setEncapsulates(node);
    this.out.reserveKids(node, 1);
    this.out.setKid(node, 0, this.generic(doc.roots[0], 0, depth + 1, false));
  }

  /** A node the schema does not explain: its own tag and value, children likewise. */
  generic(tlv: Tlv, name: number, depth: number, named: boolean): Node {
    const t = this.t;
    const node = this.base(tlv, name, this.tagId(tlv), named);
    if (this.nodes > this.limits.maxNodes) {
      this.out.addNote(node, 'not annotated: node limit reached');
      return node;
    }
    if (t.constructed(tlv)) {
      const shown = this.reserveWithin(node, tlv);
      for (let c = t.firstChild[tlv], k = 0; c >= 0 && k < shown; c = t.nextSibling[c], k++)
        this.out.setKid(node, k, this.generic(c, 0, depth + 1, false));
    } else if (t.tagClass(tlv) === 0) {
      this.fillPrimitive(node, t.tagNumber[tlv]);
      if (t.tagNumber[tlv] === 4) this.tryEncapsulated(node, tlv, depth);
    } else {
      this.fillPrimitive(node, 4);
    }
    return node;
  }
}

// Loops, not find() with a closure: these run for most nodes of a large message.
/** "0–26" when a CHOICE's alternatives are the context tags 0…n without a gap (PKIBody), else undefined. */
function contextRange(spec: StructSpec): string | undefined {
  const tags = spec.fields.map((f) => f.context);
  if (tags.some((t) => t === undefined)) return undefined;
  const sorted = (tags as number[]).slice().sort((x, y) => x - y);
  return sorted.every((t, i) => t === i) ? `0–${sorted.length - 1}` : undefined;
}

function alternativeFor(spec: StructSpec, cls: number, num: number): FieldSpec | undefined {
  for (const f of spec.fields) if (tagMatches(fieldTags(f), cls, num)) return f;
  return undefined;
}

const bareFields = new WeakMap<FieldSpec, FieldSpec>();
/** The field without its explicit tag: what the element inside the tag is. */
function bareField(field: FieldSpec): FieldSpec {
  let bare = bareFields.get(field);
  if (!bare)
    bareFields.set(
      field,
      (bare = { ...field, id: nextId(), context: undefined, implicit: false, tags: undefined }),
    );
  return bare;
}

function openFieldFor(opens: OpenField[], name: string): OpenField | undefined {
  for (const o of opens) if (o.field === name) return o;
  return undefined;
}

function typeLabel(spec: TypeSpec): string {
  if (spec.kind === 'builtin') {
    const num = universalTag(spec.asn);
    return num === undefined ? 'ANY' : tagName({ tagClass: 0, tagNumber: num });
  }
  return spec.name;
}
