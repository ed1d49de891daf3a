/** Picking a private key file (PKCS#8, PEM or DER) in VS Code's open dialog: its DER, or undefined. */
import * as vscode from 'vscode';
import { readDerInput } from '../app';

export async function pickKeyFile(title: string, openLabel: string): Promise<Uint8Array | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel,
    title,
    filters: { Keys: ['pem', 'key', 'der', 'p8'] },
  });
  return picked?.[0] ? readDerInput(await vscode.workspace.fs.readFile(picked[0])).der : undefined;
}

/** The ML-KEM private key a KemCiphertextInfo was encapsulated to (KemBasedMac, RFC 9810 §5.1.3.4). */
export function pickKemKey(): Promise<Uint8Array | undefined> {
  return pickKeyFile(
    vscode.l10n.t('CMP Lens: the ML-KEM private key (PKCS#8) the KemCiphertextInfo was encapsulated to'),
    vscode.l10n.t('Check with this key'),
  );
}
