/**
 * Schema-directed annotation: walks the TLV tree beside a schema class and names every node with
 * its RFC field name, type and value. Nodes the schema does not explain stay in the tree, generic
 * and counted as unexplained. Never throws on bad input: mismatches become problems.
 */
import type { AnnotatedNode, Problem } from '../../shared/annotated';
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
import { contentOf, readDer } from '../der/reader';
import { toHex } from '../der/values';
import { hexOffset, tagName, universalName, type TlvNode } from '../der/types';
import {
  describe,
  fieldTags,
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
import { nameText, namedBits, namedInteger, renderPrimitiveAt, summarize } from './render';
import { AsnPropTypes } from '@peculiar/asn1-schema';

/** The first element inside a field's value (through an EXPLICIT tag), which a ShapeChoice looks at. */
function innerFirst(tlv: TlvNode, field: FieldSpec, encapsulated: boolean): TlvNode | undefined {
  if (encapsulated) return undefined;
  const value = field.context !== undefined && !field.implicit ? tlv.children?.[0] : tlv;
  return value?.children?.[0];
}

/** Leaves share one empty, frozen list: most nodes are leaves, and a list each is a lot of garbage. */
const noChildren: AnnotatedNode[] = Object.freeze([]) as unknown as AnnotatedNode[];

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

const namedFor = new WeakMap<FieldSpec, Record<number, string> | null>();
function namedIntegerCache(owner: string, field: FieldSpec): Record<number, string> | undefined {
  let names = namedFor.get(field);
  if (names === undefined) {
    names = namedIntegers[`${owner}.${field.name}`] ?? null;
    namedFor.set(field, names);
  }
  return names ?? undefined;
}

// Type labels repeat across nodes: keep one string each instead of one per node.
const labels = new Map<string, string>();
function label(text: string): string {
  let l = labels.get(text);
  if (l === undefined) labels.set(text, (l = text));
  return l;
}

const altLabels = new WeakMap<FieldSpec, Map<string, string>>();
/** "Time utcTime: UTCTime", made once per alternative and inner type. */
function altLabel(choice: string, alt: FieldSpec, inner: string): string {
  let byType = altLabels.get(alt);
  if (!byType) altLabels.set(alt, (byType = new Map()));
  let l = byType.get(inner);
  if (l === undefined) byType.set(inner, (l = `${choice} ${alt.name}: ${inner}`));
  return l;
}

const indexNames: string[] = [];
function indexName(i: number): string {
  return i < 4096 ? (indexNames[i] ??= `[${i}]`) : `[${i}]`;
}

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

/**
 * Field paths are not carried down while annotating (a string per node for the few that a problem
 * needs): a problem names the element it is about, and `finish` finds its path in the built tree.
 */
export class Annotator {
  readonly problems: Problem[] = [];
  private readonly pending: PendingProblem[] = [];
  nodes = 0;
  explained = 0;
  // A Map, not a WeakMap: it goes with the annotator, and weak entries cost the GC more per node.
  private readonly oids = new Map<AnnotatedNode, string>();
  private readonly openByOwner = new Map<unknown, OpenField[]>();
  private skipNested = false;

  constructor(
    readonly bytes: Uint8Array,
    private readonly limits: AnnotateLimits = { maxDepth: 200, maxNodes: 1_000_000 },
  ) {
    for (const f of openFields) this.openByOwner.set(f.owner, [...(this.openByOwner.get(f.owner) ?? []), f]);
  }

  oidOf = (node: AnnotatedNode): string | undefined => this.oids.get(node);

  /** A problem at `node`, about the element `at` (whose path `message` is given). */
  problem(
    node: TlvNode,
    at: TlvNode,
    message: (path: string) => string,
    severity: Problem['severity'] = 'error',
    suffix = '',
  ): void {
    this.pending.push({ offset: node.offset, at: at.offset, message, severity, suffix });
  }

  /** Resolves the problems found while annotating `root` (root `index` of the input) into `problems`. */
  finish(root: AnnotatedNode, index: number): void {
    for (const p of this.pending) {
      const found = pathAtOffset(root, rootPath(index), p.at) ?? '';
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

  /** A node for `tlv` without children or value yet. */
  private base(tlv: TlvNode, name: string, type: string, explained: boolean): AnnotatedNode {
    this.nodes++;
    if (explained) this.explained++;
    // Every field present from the start keeps one object shape (undefined fields vanish in JSON).
    const node: AnnotatedNode = {
      name,
      type,
      tag: tagName(tlv),
      offset: tlv.offset,
      headerLength: tlv.headerLength,
      length: tlv.length,
      value: undefined,
      explained,
      children: noChildren,
      notes: undefined,
      ref: undefined,
      hexFrom: undefined,
    };
    if (tlv.indefinite) node.indefinite = true;
    if (tlv.truncated) node.problems = [`cut off: ${tlv.length} content bytes present`];
    return node;
  }

  /** Annotates `tlv` as `type`; `implicit` when the element's own tag was replaced by a context tag. */
  annotate(tlv: TlvNode, type: OpenType, name: string, depth: number, implicit = false): AnnotatedNode {
    if (this.nodes >= this.limits.maxNodes || depth > this.limits.maxDepth)
      return this.generic(tlv, name, depth, true);
    const spec = describe(type);
    if (!implicit && spec.kind !== 'choice' && !tagMatches(typeTags(type), tlv.tagClass, tlv.tagNumber)) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path || 'value'} at offset ${hexOffset(tlv.offset)}: expected ${typeLabel(spec)} but found ${tagName(tlv)}`,
      );
      return this.generic(tlv, name, depth, true);
    }
    switch (spec.kind) {
      case 'builtin':
        return spec.asn === AsnPropTypes.Any
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
    tlv: TlvNode,
    name: string,
    asn: AsnPropTypes,
    depth: number,
    bitNames?: readonly string[],
  ): AnnotatedNode {
    const universal = universalTag(asn) ?? tlv.tagNumber;
    const node = this.base(tlv, name, universalName(universal), true);
    if (tlv.constructed) {
      // BER's constructed string: its segments are the string's own pieces (X.690 §8.7.3, §8.23.6).
      node.children = (tlv.children ?? []).map((c) => {
        const segment = this.generic(c, '', depth + 1, true);
        segment.notes = [...(segment.notes ?? []), 'a segment of the constructed string (BER, X.690 §8.7.3)'];
        return segment;
      });
      node.notes = ['constructed encoding (BER)'];
      return node;
    }
    this.fillPrimitive(node, universal, tlv, bitNames);
    if (universal === 4) this.tryEncapsulated(node, tlv, depth);
    return node;
  }

  private fillPrimitive(
    node: AnnotatedNode,
    universal: number,
    tlv: TlvNode,
    bitNames?: readonly string[],
  ): void {
    const start = tlv.offset + tlv.headerLength;
    const r = renderPrimitiveAt(universal, this.bytes, start, start + tlv.length, bitNames);
    node.value = r.value;
    if (r.hexFrom !== undefined) node.hexFrom = r.hexFrom;
    if (r.notes) node.notes = r.notes;
    if (r.oid) this.oids.set(node, r.oid);
  }

  private convertible(tlv: TlvNode, name: string, spec: ConvertibleSpec, depth: number): AnnotatedNode {
    const universal = spec.tag === 'any' ? tlv.tagNumber : spec.tag.num;
    const asn =
      universal === 3
        ? AsnPropTypes.BitString
        : universal === 4
          ? AsnPropTypes.OctetString
          : AsnPropTypes.Any;
    const node = this.primitive(tlv, name, asn, depth, namedBits.get(spec.ctor));
    if (!['BitString', 'OctetString'].includes(spec.name)) {
      node.type = spec.name;
      const ref = productionRefs.get(spec.ctor);
      if (ref) node.ref = ref;
    }
    return node;
  }

  private choice(tlv: TlvNode, name: string, spec: StructSpec, depth: number): AnnotatedNode {
    const alt = alternativeFor(spec, tlv);
    if (!alt) {
      const known = contextRange(spec);
      this.problem(tlv, tlv, (path) =>
        known && tlv.tagClass === 2
          ? `${path || 'value'} at offset ${hexOffset(tlv.offset)}: unknown ${spec.name} alternative [${tlv.tagNumber}] (${productionRefs.get(spec.ctor)?.split(' §')[0] ?? 'its RFC'} defines ${known})`
          : `${path || 'value'} at offset ${hexOffset(tlv.offset)}: ${tagName(tlv)} is none of the alternatives of ${spec.name}`,
      );
      return this.generic(tlv, name, depth, true);
    }
    let node: AnnotatedNode;
    if (alt.context !== undefined && !alt.implicit) {
      node = this.base(tlv, name, label(`${spec.name} ${alt.name} [${alt.context}] EXPLICIT`), true);
      node.children = this.explicitInner(tlv, alt, alt.name, depth, undefined, false, alt.name);
      node.value = node.children[0]?.value;
    } else {
      node = this.fieldValue(tlv, alt, name, depth, undefined);
      node.type = altLabel(spec.name, alt, node.type);
      const names = namedIntegerCache(spec.name, alt);
      if (names && (tlv.tagNumber === 2 || tlv.tagNumber === 10) && tlv.tagClass === 0 && !tlv.constructed)
        node.value = namedInteger(contentOf(this.bytes, tlv), names);
    }
    const ref = productionRefs.get(spec.ctor);
    if (ref) node.ref = ref;
    return node;
  }

  /** The single element inside an explicit tag; `alternative` names a CHOICE's, whose path adds it. */
  private explicitInner(
    tlv: TlvNode,
    field: FieldSpec,
    name: string,
    depth: number,
    open?: OpenType,
    encapsulated = false,
    alternative?: string,
  ): AnnotatedNode[] {
    const inner = tlv.children ?? [];
    if (!tlv.constructed || inner.length !== 1) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path} at offset ${hexOffset(tlv.offset)}: an explicit tag [${field.context}] must hold exactly one element, found ${inner.length}`,
        'error',
        alternative === undefined ? '' : `.${alternative}`,
      );
      return inner.map((c) => this.generic(c, '', depth + 1, false));
    }
    const bare = { ...field, context: undefined, implicit: false };
    if (encapsulated) return [this.encapsulatedField(inner[0], bare, depth + 1, open)];
    return [this.fieldValue(inner[0], bare, name, depth + 1, open)];
  }

  /** Annotates a field's element once any explicit wrapper is removed. */
  private fieldValue(
    tlv: TlvNode,
    field: FieldSpec,
    name: string,
    depth: number,
    open: OpenType | undefined,
  ): AnnotatedNode {
    const implicit = field.context !== undefined && field.implicit;
    if (field.repeated) return this.repeated(tlv, field, name, depth, open);
    if (open !== undefined) {
      if (!implicit && !tagMatches(typeTags(open), tlv.tagClass, tlv.tagNumber)) {
        this.problem(
          tlv,
          tlv,
          (path) =>
            `${path} at offset ${hexOffset(tlv.offset)}: by its OID this value should be ${typeLabel(describe(open))}, but it is ${tagName(tlv)}`,
          'warning',
        );
        return this.generic(tlv, name, depth, true);
      }
      return this.annotate(tlv, open, name, depth, implicit);
    }
    return this.annotate(tlv, field.type, name, depth, implicit);
  }

  private repeated(
    tlv: TlvNode,
    field: FieldSpec,
    name: string,
    depth: number,
    open: OpenType | undefined,
  ): AnnotatedNode {
    const itemType = open ?? field.type;
    const node = this.base(
      tlv,
      name,
      label(`${field.repeated === 'set' ? 'SET' : 'SEQUENCE'} OF ${typeLabel(describe(field.type))}`),
      true,
    );
    node.children = (tlv.children ?? []).map((c, i) => this.annotate(c, itemType, indexName(i), depth + 1));
    return node;
  }

  private array(tlv: TlvNode, name: string, spec: ArraySpec, depth: number): AnnotatedNode {
    const node = this.base(tlv, name, spec.name, true);
    const ref = productionRefs.get(spec.ctor);
    if (ref) node.ref = ref;
    node.children = (tlv.children ?? []).map((c, i) =>
      this.annotate(c, spec.itemType, indexName(i), depth + 1),
    );
    if (spec.name === 'Name' || spec.name === 'RDNSequence') node.value = nameText(node, this.oidOf);
    else if (node.children.length !== 1) node.notes = [`${node.children.length} items`];
    return node;
  }

  private sequence(tlv: TlvNode, name: string, spec: StructSpec, depth: number): AnnotatedNode {
    const node = this.base(tlv, name, spec.name, true);
    const ref = productionRefs.get(spec.ctor);
    if (ref) node.ref = ref;
    const children = tlv.children ?? [];
    // One node per element: sized once (a list grown by push() keeps room for ~17). Until it is
    // filled, the slots after `next` are empty (select() reads the list while it is being built).
    const out: AnnotatedNode[] = (node.children = new Array<AnnotatedNode>(children.length));
    const opens = this.openByOwner.get(spec.ctor);
    let next = 0;
    for (const [index, field] of spec.fields.entries()) {
      const child = children[next];
      if (child && tagMatches(fieldTags(field), child.tagClass, child.tagNumber)) {
        out[next] = this.field(child, field, depth + 1, node, opens);
        next++;
      } else if (child && !field.optional && this.standsFor(field, child, spec.fields, index)) {
        // A required CHOICE with an alternative the schema lacks (PKIBody [27]): it is still that
        // field, and the fields after it are read as they are; choice() says what is wrong.
        out[next] = this.field(child, field, depth + 1, node, opens);
        next++;
      } else if (!field.optional) {
        const where = child
          ? `found ${tagName(child)} at offset ${hexOffset(child.offset)}`
          : 'it is missing';
        this.problem(
          child ?? tlv,
          tlv,
          (path) =>
            `${spec.name}${path ? ` (${path})` : ''}: required field ${field.name} expected, ${where}`,
        );
        if (!child) break;
      }
    }
    for (; next < children.length; next++) {
      const extra = children[next];
      this.problem(
        extra,
        tlv,
        (path) =>
          `${spec.name}${path ? ` (${path})` : ''}: unexpected ${tagName(extra)} at offset ${hexOffset(extra.offset)} after the last field`,
        'warning',
      );
      out[next] = this.generic(extra, '', depth + 1, false);
    }
    const summary = summarize(spec.name, node);
    if (summary !== undefined) node.value = summary;
    return node;
  }

  /** An untagged CHOICE field whose element fits no later field: the element stands where the field does. */
  private standsFor(field: FieldSpec, child: TlvNode, fields: FieldSpec[], index: number): boolean {
    if (field.context !== undefined || field.repeated) return false;
    const type = describe(field.type);
    if (type.kind !== 'choice') return false;
    return !fields.slice(index + 1).some((f) => tagMatches(fieldTags(f), child.tagClass, child.tagNumber));
  }

  private field(
    tlv: TlvNode,
    field: FieldSpec,
    depth: number,
    owner: AnnotatedNode,
    opens: OpenField[] | undefined,
  ): AnnotatedNode {
    const open = opens && openFieldFor(opens, field.name);
    const entry = open ? open.types.get(this.select(owner, open.selector) ?? '') : undefined;
    const openType =
      entry instanceof ShapeChoice ? entry.pick(innerFirst(tlv, field, !!open?.encapsulated)) : entry;
    if (field.context !== undefined && !field.implicit) {
      const wrapper = this.base(tlv, field.name, label(`[${field.context}] EXPLICIT`), true);
      wrapper.children = this.explicitInner(tlv, field, field.name, depth, openType, !!open?.encapsulated);
      wrapper.value = wrapper.children[0]?.value;
      return wrapper;
    }
    if (open?.encapsulated) return this.encapsulatedField(tlv, field, depth, openType);
    const node = this.fieldValue(tlv, field, field.name, depth, openType);
    const names = namedIntegerCache(owner.type, field);
    if (names && (tlv.tagNumber === 2 || tlv.tagNumber === 10) && tlv.tagClass === 0 && !tlv.constructed)
      node.value = namedInteger(contentOf(this.bytes, tlv), names);
    else if (
      tlv.tagNumber === 2 &&
      tlv.tagClass === 0 &&
      !tlv.constructed &&
      serialFields.has(`${owner.type}.${field.name}`)
    )
      node.value = `0x${toHex(contentOf(this.bytes, tlv))}`;
    return node;
  }

  /** An OCTET/BIT STRING whose content is DER of the type chosen by an OID. */
  private encapsulatedField(
    tlv: TlvNode,
    field: FieldSpec,
    depth: number,
    inner: OpenType | undefined,
  ): AnnotatedNode {
    // With a known inner type, skip the generic look inside: the typed decode below replaces it.
    this.skipNested = inner !== undefined;
    const node = this.annotate(tlv, field.type, field.name, depth);
    this.skipNested = false;
    if (inner === undefined || tlv.constructed) return node;
    const skip = tlv.tagNumber === 3 ? 1 : 0;
    const start = tlv.offset + tlv.headerLength + skip;
    const doc = readDer(this.bytes, {
      start,
      end: tlv.end,
      limits: { maxDepth: Math.max(1, this.limits.maxDepth - depth) },
    });
    if (doc.roots.length !== 1 || doc.problems.some((p) => p.severity === 'error')) {
      this.problem(
        tlv,
        tlv,
        (path) =>
          `${path} at offset ${hexOffset(tlv.offset)}: its content does not decode as ${typeLabel(describe(inner))} (${doc.problems[0]?.message ?? 'no single element'})`,
        'warning',
      );
      return node;
    }
    node.encapsulates = true;
    node.children = [this.annotate(doc.roots[0], inner, field.name, depth + 1)];
    return node;
  }

  /** Follows a selector path ("algorithm.algorithm") through annotated siblings to an OID. */
  private select(owner: AnnotatedNode, selector: string): string | undefined {
    let node: AnnotatedNode | undefined = owner;
    for (const part of selectorParts(selector)) {
      node = node?.children.find((c) => c !== undefined && c.name === part);
      while (
        node &&
        node.type.endsWith('EXPLICIT') &&
        node.children.length === 1 &&
        node.children[0].name === part
      )
        node = node.children[0];
    }
    return node ? this.oids.get(node) : undefined;
  }

  /** OCTET STRING content that is itself one DER element: decoded generically below it. */
  private tryEncapsulated(node: AnnotatedNode, tlv: TlvNode, depth: number): void {
    if (this.skipNested) return;
    const start = tlv.offset + tlv.headerLength;
    if (tlv.length < 2 || (this.bytes[start] !== 0x30 && this.bytes[start] !== 0x31)) return;
    const doc = readDer(this.bytes, {
      start,
      end: tlv.end,
      limits: { maxDepth: Math.max(1, this.limits.maxDepth - depth) },
    });
    if (doc.roots.length !== 1 || doc.problems.length) return;
    node.encapsulates = true;
    node.children = [this.generic(doc.roots[0], '', depth + 1, false)];
  }

  /** A node the schema does not explain: its own tag and value, children likewise. */
  generic(tlv: TlvNode, name: string, depth: number, named: boolean): AnnotatedNode {
    const node = this.base(tlv, name, tagName(tlv), named);
    if (this.nodes > this.limits.maxNodes) {
      node.notes = ['not annotated: node limit reached'];
      return node;
    }
    if (tlv.constructed) {
      node.children = (tlv.children ?? []).map((c) => this.generic(c, '', depth + 1, false));
    } else if (tlv.tagClass === 0) {
      this.fillPrimitive(node, tlv.tagNumber, tlv);
      if (tlv.tagNumber === 4) this.tryEncapsulated(node, tlv, depth);
    } else {
      this.fillPrimitive(node, 4, tlv);
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

function alternativeFor(spec: StructSpec, tlv: TlvNode): FieldSpec | undefined {
  for (const f of spec.fields) if (tagMatches(fieldTags(f), tlv.tagClass, tlv.tagNumber)) return f;
  return undefined;
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
