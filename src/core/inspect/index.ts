export { inspectBytes, inspectInput, type InspectOptions } from './document';
export { InspectorModel } from './model';
export { Annotator } from './annotate';
export { bodyDescriptions } from './summary';
export { respond, showPayload } from './respond';
export { formatDocument, textChunks, textHexBytes, textOf, type TextOptions } from './text';
export { jsonChunks, nodeFields, withPaths } from './paths';
