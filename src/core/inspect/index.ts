export { inspectBytes, type InspectOptions } from './document';
export { Annotator } from './annotate';
export { unwrapInput } from './input';
export { bodyDescriptions } from './summary';
