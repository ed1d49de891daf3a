export { inspectBytes, inspectInput, type InspectOptions } from './document';
export { InspectorModel } from './model';
export { Annotator } from './annotate';
export { unwrapInput } from './input';
export { bodyDescriptions } from './summary';
