/** Compose: RequestSpec + materials -> a protected PKIMessage (ir, cr, kur, p10cr, rr, genm, certConf, pollReq, error). */
export { buildRequest, type BuildEnv, type BuildResult } from './build';
export {
  genmInfoTypes,
  requestBodies,
  type FieldError,
  type Materials,
  type RequestBody,
  type RequestSpec,
  type TemplateSpec,
} from './spec';
export { keyUsageNames } from './template';
export { asksImplicitConfirm, withImplicitConfirm } from './implicitConfirm';
export { fileInfoTypes, genmItem, rawInfoItem, valuedInfoTypes, type ValuedInfoType } from './genmValues';
export { keyKindOf, specOfMessage, type SpecOfMessage } from './fromMessage';
export { renewRequest, type ResendOptions } from './resend';
