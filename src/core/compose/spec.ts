/** The request spec (shared with the composer webview) and the materials only the host has. */
import type { KeyPair } from '../base/keys';
import type { ProtectionSpec } from '../protection';

export {
  genmInfoTypes,
  requestBodies,
  type FieldError,
  type GenmInfoType,
  type RequestBody,
  type RequestSpec,
  type TemplateSpec,
} from '../../shared/requestSpec';

/** Keys, certificates and secrets, loaded by whoever has files and SecretStorage. */
export interface Materials {
  /** The key the request certifies (ir/cr/kur/p10cr); generated if absent. */
  key?: KeyPair;
  /** p10cr: a PKCS#10 request as DER, used as is. */
  csr?: Uint8Array;
  /** kur: the certificate being updated (oldCertId control); rr: the one revoked. */
  oldCert?: Uint8Array;
  /** certConf: the certificate being confirmed. */
  confirmCert?: Uint8Array;
  extraCerts?: Uint8Array[];
  protection: ProtectionSpec;
}
