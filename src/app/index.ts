/**
 * The use cases both front ends call: inspect, check, lint, send, serve, compose, read a capture.
 * Each takes small ports (secrets, an exchange sink, a log, clock and crypto) and returns data;
 * `src/extension` and `src/cli` only turn gestures and flags into a call and its result into UI or text.
 */
export * from './ports';
export { obtainSecret, settleSecret, type ObtainedSecret } from './secrets';
export {
  inspectFile,
  inspectJson,
  inspectJsonChunks,
  inspectTextChunks,
  inspectModel,
  inspectText,
  InspectorModel,
  readDerInput,
  respond,
  showPayload,
  textOf,
  type Inspected,
} from './inspect';
export {
  checkProtection,
  kemSecretFor,
  signatureImplementations,
  kindInWords,
  lintMessage,
  messagesOf,
  secretQueryFor,
  type CheckInput,
  type CheckOutcome,
  type MessagesInput,
} from './check';
export { lintMessages, type LintReport, type NamedMessage } from './lint';
export {
  answer,
  localModel,
  modelInfo,
  portOf,
  type ModelInfo,
  type ModelPort,
  type ModelQuestions,
  type Question,
} from './modelPort';
export {
  exchangeFindingLine,
  firstExtraCert,
  sendRequest,
  SendError,
  type SendInput,
  type SendOutcome,
} from './send';
export {
  defaultTestCaSecret,
  startTestCa,
  TestCaKeyMismatch,
  type ListenCa,
  type OpenCa,
  type ServeInput,
  type ServingCa,
} from './serve';
export {
  captureView,
  EarlyExchanges,
  exchangeView,
  exportPlan,
  inThisThread,
  type ExchangeRunner,
  type ExchangeView,
  type ExportFile,
  type ViewOptions,
} from './capture';
export { ComposerEngine, formChoices, type Built, type ComposerIo } from './composer';
export { ExchangeFiles, exchangeFolderName, folderTimestamp, type WriteExchangeFile } from './exchangeFiles';
export { diagramOfCapture, diagramOfMessages, diagramOfTransaction } from './diagram';
export { opensslCommand, type OpensslCommand, type OpensslOptions } from './openssl';
export {
  decryptedFiles,
  decryptMessage,
  encryptedViews,
  redactedSignedContent,
  describeDecrypted,
  type DecryptOutcome,
  type PlannedFile,
} from './decrypt';
