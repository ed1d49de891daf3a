/** Where each production is defined, for the details pane ("RFC 9810 §5.1.1"). */
import * as cms from '@peculiar/asn1-cms';
import * as csr from '@peculiar/asn1-csr';
import * as x509 from '@peculiar/asn1-x509';
import * as alg from './cmpAlgorithms';
import * as rep from './cmpCertRep';
import * as gen from './cmpGenInfo';
import * as msg from './cmpMessage';
import * as msgs from './cmpMessages';
import * as st from './cmpStatus';
import * as ctl from './crmfControls';
import * as pop from './crmfPop';
import * as tpl from './crmfTemplate';

type Ctor = abstract new (...args: never[]) => unknown;

const table: [Ctor, string][] = [
  [msg.PKIMessage, 'RFC 9810 §5.1'], [msg.PKIMessages, 'RFC 9810 §5.1'], [msg.PKIHeader, 'RFC 9810 §5.1.1'],
  [msg.InfoTypeAndValues, 'RFC 9810 §5.1.1'], [msg.PKIBody, 'RFC 9810 §5.1.2'], [msg.PKIProtection, 'RFC 9810 §5.1.3'],
  [msg.ProtectedPart, 'RFC 9810 §5.1.3'],
  [alg.PBMParameter, 'RFC 9810 §5.1.3.1'], [alg.DHBMParameter, 'RFC 9810 §5.1.3.2'], [alg.KemBMParameter, 'RFC 9810 §5.1.3.4'],
  [alg.KemCiphertextInfo, 'RFC 9810 §5.1.3.4'], [alg.KemOtherInfo, 'RFC 9810 §5.1.3.4'],
  [alg.PBMAC1Params, 'RFC 8018 App. A.5'], [alg.PBKDF2Params, 'RFC 8018 App. A.2'], [alg.PBKDF2Salt, 'RFC 8018 App. A.2'],
  [st.PKIFreeText, 'RFC 9810 §5.1.1'], [st.PKIStatusInfo, 'RFC 9810 §5.2.3'], [st.PKIFailureInfo, 'RFC 9810 §5.2.3'],
  [rep.CMPCertificate, 'RFC 9810 §5.1'], [rep.CMPCertificates, 'RFC 9810 §5.1'], [rep.CertRepMessage, 'RFC 9810 §5.3.4'],
  [rep.CertResponses, 'RFC 9810 §5.3.4'], [rep.CertResponse, 'RFC 9810 §5.3.4'], [rep.CertifiedKeyPair, 'RFC 9810 §5.3.4'],
  [rep.CertOrEncCert, 'RFC 9810 §5.3.4'], [rep.KeyRecRepContent, 'RFC 9810 §5.3.10'], [rep.CertifiedKeyPairs, 'RFC 9810 §5.3.10'],
  [rep.RevReqContent, 'RFC 9810 §5.3.11'], [rep.RevDetails, 'RFC 9810 §5.3.11'], [rep.RevRepContent, 'RFC 9810 §5.3.12'],
  [rep.PKIStatusInfos, 'RFC 9810 §5.3.12'], [rep.CertIds, 'RFC 9810 §5.3.12'], [rep.CAKeyUpdAnnContent, 'RFC 9810 §5.3.13'],
  [rep.RevAnnContent, 'RFC 9810 §5.3.15'], [rep.CRLAnnContent, 'RFC 9810 §5.3.16'],
  [msgs.InfoTypeAndValue, 'RFC 9810 §5.3.19'], [msgs.GenMsgContent, 'RFC 9810 §5.3.19'], [msgs.GenRepContent, 'RFC 9810 §5.3.20'],
  [msgs.ErrorMsgContent, 'RFC 9810 §5.3.21'], [msgs.CertConfirmContent, 'RFC 9810 §5.3.18'], [msgs.CertStatus, 'RFC 9810 §5.3.18'],
  [msgs.PollReqContent, 'RFC 9810 §5.3.22'], [msgs.PollReq, 'RFC 9810 §5.3.22'], [msgs.PollRepContent, 'RFC 9810 §5.3.22'],
  [msgs.PollRep, 'RFC 9810 §5.3.22'], [msgs.Challenge, 'RFC 9810 §5.2.8.3.3'], [msgs.Rand, 'RFC 9810 §5.2.8.3.3'],
  [msgs.POPODecKeyChallContent, 'RFC 9810 §5.2.8.3.3'], [msgs.POPODecKeyRespContent, 'RFC 9810 §5.2.8.3.3'],
  [msgs.OOBCertHash, 'RFC 9810 §5.2.5'],
  [gen.CertReqTemplateContent, 'RFC 9810 §5.3.19.16'], [gen.RootCaKeyUpdateContent, 'RFC 9810 §5.3.19.15'],
  [gen.CAKeyUpdContent, 'RFC 9810 §5.3.13'], [gen.CRLSource, 'RFC 9810 §5.3.19.17'], [gen.CRLStatus, 'RFC 9810 §5.3.19.17'],
  [gen.CRLStatusListValue, 'RFC 9810 §5.3.19.17'], [gen.AlgorithmIdentifiers, 'RFC 9810 §5.3.19.2'],
  [gen.ObjectIdentifiers, 'RFC 9810 §5.3.19.7'], [gen.UTF8Strings, 'RFC 9810 §5.3.19.13'],
  [tpl.AttributeTypeAndValue, 'RFC 4211 §6'], [tpl.Controls, 'RFC 4211 §6'], [tpl.OptionalValidity, 'RFC 4211 §5'],
  [tpl.CertTemplate, 'RFC 4211 §5'], [tpl.CertRequest, 'RFC 4211 §5'], [tpl.UniqueIdentifier, 'RFC 5280 §4.1'],
  [pop.CertReqMessages, 'RFC 4211 §3'], [pop.CertReqMsg, 'RFC 4211 §3'], [pop.RegInfo, 'RFC 4211 §3'],
  [pop.ProofOfPossession, 'RFC 4211 §4'], [pop.POPOSigningKey, 'RFC 4211 §4.1'], [pop.POPOSigningKeyInput, 'RFC 4211 §4.1'],
  [pop.POPOSigningKeyInputAuthInfo, 'RFC 4211 §4.1'], [pop.PKMACValue, 'RFC 4211 §4.1'], [pop.POPOPrivKey, 'RFC 4211 §4.2'],
  [ctl.EncryptedValue, 'RFC 4211 §4.2.1'], [ctl.EncryptedKey, 'RFC 4211 §4.2.1'], [ctl.PKIArchiveOptions, 'RFC 4211 §6.4'],
  [ctl.KeyGenParameters, 'RFC 4211 §6.4'], [ctl.SinglePubInfo, 'RFC 4211 §6.3'], [ctl.SinglePubInfos, 'RFC 4211 §6.3'],
  [ctl.PKIPublicationInfo, 'RFC 4211 §6.3'], [ctl.CertId, 'RFC 4211 §6.5'], [ctl.EncKeyWithID, 'RFC 4211 §4.4'],
  [ctl.EncKeyWithIDIdentifier, 'RFC 4211 §4.4'],
  [x509.Certificate, 'RFC 5280 §4.1'], [x509.TBSCertificate, 'RFC 5280 §4.1'], [x509.Name, 'RFC 5280 §4.1.2.4'],
  [x509.AlgorithmIdentifier, 'RFC 5280 §4.1.1.2'], [x509.SubjectPublicKeyInfo, 'RFC 5280 §4.1'], [x509.Validity, 'RFC 5280 §4.1.2.5'],
  [x509.Extensions, 'RFC 5280 §4.1'], [x509.Extension, 'RFC 5280 §4.1'], [x509.GeneralName, 'RFC 5280 §4.2.1.6'],
  [x509.GeneralNames, 'RFC 5280 §4.2.1.6'], [x509.Time, 'RFC 5280 §4.1'], [x509.CertificateList, 'RFC 5280 §5.1'],
  [x509.TBSCertList, 'RFC 5280 §5.1'], [csr.CertificationRequest, 'RFC 2986 §4.2'], [csr.CertificationRequestInfo, 'RFC 2986 §4.1'],
  [cms.EnvelopedData, 'RFC 5652 §6.1'], [cms.SignedData, 'RFC 5652 §5.1'], [cms.ContentInfo, 'RFC 5652 §3'],
];

export const productionRefs: ReadonlyMap<unknown, string> = new Map<unknown, string>(table);
