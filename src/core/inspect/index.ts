export { inspectBytes, inspectInput, sharedCopy, type InspectOptions } from './document';
export { InspectorModel } from './model';
export { Annotator } from './annotate';
export { bodyDescriptions } from './summary';
export { respond, showPayload } from './respond';
export {
  formatDocument,
  pieceChunks,
  textChunks,
  textHexBytes,
  textOf,
  textParts,
  textPlan,
  treeOf,
  type TextOptions,
  type TextPlan,
} from './text';
export { jsonChunks, nodeFields, withPaths } from './paths';
export { AnnTree, type SharedAnnTree } from './tree';
