export { inspectBytes, inspectInput, type InspectOptions } from './document';
export { InspectorModel } from './model';
export { Annotator } from './annotate';
export { bodyDescriptions } from './summary';
