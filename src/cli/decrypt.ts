/** `cmp-lens decrypt FILE --key KEY --out DIR`: opens what a PKIMessage carries encrypted (issue 18). */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decryptedFiles, decryptMessage, describeDecrypted, kindInWords, messagesOf } from '../app';
import { unwrapInput } from '../core/base';
import { readRecipientKey, type RecipientKey } from '../core/protection';
import { writeFileAtomic } from '../node/atomic';
import { readFailure } from '../node/materials';
import { helpText, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readDer, readDerNoted, readInput, readSecret, secretFlags, UsageError, type Io } from './io';

const flags: FlagSpec = {
  '--key': {
    kind: 'value',
    arg: 'F',
    help: 'the recipient private key, PKCS#8 (PEM or DER): RSA, EC, X25519, X448, ML-KEM',
  },
  '--cert': {
    kind: 'value',
    arg: 'F',
    help: "the key's certificate: only RecipientInfos naming it are tried",
  },
  ...secretFlags,
  '--out': {
    kind: 'value',
    arg: 'DIR',
    help: 'write each key (NAME.key.pem, mode 0600) and certificate (NAME.crt.pem) here',
  },
};

function recipientKey(p: ReturnType<typeof parseFlags>, io: Io): RecipientKey {
  const keyFile = p.value('--key');
  const password = readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
  if (keyFile && password)
    throw new UsageError('give --key or a password (--secret-file/--secret-env), not both');
  if (password) return { kind: 'password', password };
  if (!keyFile)
    throw new UsageError('give the recipient key with --key F, or a password with --secret-env V');
  const u = unwrapInput(readInput(keyFile, io));
  if (u.error) throw new UsageError(`--key ${keyFile}: ${u.error}`);
  if (u.pemLabel && u.pemLabel !== 'PRIVATE KEY')
    throw new UsageError(
      `--key ${keyFile} is a "${u.pemLabel}" PEM; give a PKCS#8 key ("PRIVATE KEY"), e.g. openssl pkcs8 -topk8 -nocrypt -in ${keyFile}`,
    );
  try {
    readRecipientKey(u.der);
  } catch (e) {
    throw new UsageError(`--key ${keyFile}: ${(e as Error).message}`);
  }
  const certFile = p.value('--cert');
  return { kind: 'key', pkcs8: u.der, certificate: certFile ? readDer(certFile, io) : undefined };
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('decrypt', args, flags);
  const file = oneFile(p, 'decrypt');
  const read = readDerNoted(file, io);
  if (read.note) io.out(`input: ${read.note}`);
  const input = messagesOf(read.der);
  if (input.messages.length !== 1)
    throw new UsageError(
      input.messages.length
        ? `${file} holds ${input.messages.length} PKIMessages: decrypt takes one`
        : `${file} is not a PKIMessage: it is ${kindInWords[input.kind]}`,
    );
  const key = recipientKey(p, io);
  const out = await decryptMessage(input.messages[0], key);
  if (!out.found.length) {
    io.out(`${file}: nothing in it is encrypted (no EnvelopedData or EncryptedValue)`);
    return 2;
  }
  for (const item of out.items) for (const line of describeDecrypted(item)) io.out(line);
  const dir = p.value('--out');
  if (dir) {
    const files = decryptedFiles(out.items, basename(file).replace(/\.[^.]*$/, '') || 'decrypted');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out ${dir}: cannot make the folder: ${readFailure(e)}`);
    }
    for (const f of files) {
      writeFileAtomic(join(dir, f.name), f.text, f.secret ? 0o600 : 0o644);
      io.out(`wrote ${join(dir, f.name)}${f.secret ? ' (private key, mode 0600)' : ''}`);
    }
  } else if (out.items.some((i) => i.keys?.length || i.certificate))
    io.out('(give --out DIR to save what was decrypted)');
  return out.exit;
}

export const decryptCommand: Command = {
  name: 'decrypt',
  summary:
    'decrypt FILE|-       open what a message carries encrypted (central key generation, encrypted certificates)',
  help: helpText(
    'decrypt [options] FILE|-',
    "Opens every EnvelopedData (RFC 9810 §5.2.2) and EncryptedValue in the message with the recipient's\nkey (ktri, kari, kemri) or a password (pwri): a centrally generated key (the key generation authority's\nsignature and id-kp-cmKGA checked, the key matched to the certificate issued), an encrypted\ncertificate, a POP challenge's Rand. Says which RecipientInfo opened each, or why none did. Keys are\nnever printed; --out writes them as PKCS#8 with mode 0600.",
    flags,
    '0 decrypted and checked, 1 a check failed (KGA signature or authorization, key not matching the\ncertificate, a Rand from another sender) or some item did not open, 3 no item opens with this key,\n2 usage error (also: nothing in FILE is encrypted).',
  ),
  run,
};
