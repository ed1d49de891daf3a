// asn1-schema keeps its field table in `schemaStorage`, which the package root does not export.
// src/core/inspect/schemaTable.ts is the only module that imports it (pinned by a unit test).
declare module '@peculiar/asn1-schema/build/cjs/storage' {
  import type { AsnSchemaStorage } from '@peculiar/asn1-schema/build/types/schema';
  export const schemaStorage: AsnSchemaStorage;
}
