export { buildRequest, type BuildEnv, type BuildResult } from './build';
export { genmInfoTypes, requestBodies, type FieldError, type Materials, type RequestBody, type RequestSpec, type TemplateSpec } from './spec';
export { ComposerEngine, formChoices, type Built, type ComposerIo } from './composer';
