import { ConfigError } from '@trading/platform';
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import uWS, { type TemplatedApp } from 'uWebSockets.js';

/** TLS_CERT_FILE and TLS_KEY_FILE: PEM files, both or neither. */
export type TlsFiles = { certFile?: string | undefined; keyFile?: string | undefined };

/**
 * uWS.App() without TLS files, uWS.SSLApp() (wss://) with both. The files are checked first, as uWS only says
 * "App construction failed": one missing setting, an unreadable file or a key of another certificate fails start in one line.
 */
export function createApp(files: TlsFiles): TemplatedApp {
  const { certFile, keyFile } = files;
  if (!certFile && !keyFile) return uWS.App();
  if (!certFile || !keyFile) {
    throw new ConfigError(`TLS needs both TLS_CERT_FILE and TLS_KEY_FILE, but only ${certFile ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} is set`);
  }
  checkTlsFiles(certFile, keyFile);
  try {
    return uWS.SSLApp({ cert_file_name: certFile, key_file_name: keyFile });
  } catch {
    throw new ConfigError(`TLS_CERT_FILE ${certFile} and TLS_KEY_FILE ${keyFile}: uWebSockets.js could not load them`);
  }
}

/** Throws a ConfigError unless `certFile` holds a PEM certificate and `keyFile` its unencrypted PEM private key. */
export function checkTlsFiles(certFile: string, keyFile: string): void {
  const cert = parse('TLS_CERT_FILE', certFile, 'a PEM certificate', (pem) => new X509Certificate(pem));
  const key = parse('TLS_KEY_FILE', keyFile, 'an unencrypted PEM private key', (pem): KeyObject => createPrivateKey(pem));
  if (!cert.checkPrivateKey(key)) throw new ConfigError(`TLS_KEY_FILE ${keyFile} is not the key of the certificate in TLS_CERT_FILE ${certFile}`);
}

function parse<T>(setting: string, file: string, what: string, read: (pem: string) => T): T {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${setting} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return read(pem);
  } catch {
    throw new ConfigError(`${setting} ${file}: not ${what}`);
  }
}
