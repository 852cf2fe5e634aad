import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** TlsMaterial is a throw-away CA plus a server certificate for 127.0.0.1 and localhost, as files and PEM. */
export interface TlsMaterial {
  /** PEM of the CA certificate clients must trust. */
  caPem: string;
  /** Path of the CA certificate; it is alone in its directory so the directory works as skopeo's `--cert-dir`. */
  caFile: string;
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** SigningCert is a self-signed P-256 certificate whose key signs registry bearer tokens (ES256). */
export interface SigningCert {
  certFile: string;
  certPem: string;
  keyPem: string;
}

// One config for every certificate: `-config` keeps the machine's openssl.cnf (and its
// default extensions) out of the way, so the output does not depend on the distribution.
const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
`;

/** openssl runs `openssl req -x509` with a fresh P-256 key; extra arguments pick extensions and issuer. */
async function openssl(dir: string, keyFile: string, certFile: string, extra: string[]): Promise<void> {
  const args = ['req', '-x509', '-config', join(dir, 'openssl.cnf'), '-newkey', 'ec',
    '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '7', '-keyout', keyFile, '-out', certFile, ...extra];
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${extra.join(' ')} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** writeConfig writes the shared openssl config into dir once. */
async function writeConfig(dir: string): Promise<void> {
  await mkdir(join(dir, 'certs'), { recursive: true });
  await writeFile(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
}

/** createTlsMaterial generates a CA and a CA-signed server certificate (SANs IP:127.0.0.1, DNS:localhost) in dir. */
export async function createTlsMaterial(dir: string): Promise<TlsMaterial> {
  await writeConfig(dir);
  const caFile = join(dir, 'certs', 'ca.crt');
  const caKey = join(dir, 'ca.key');
  await openssl(dir, caKey, caFile, ['-extensions', 'ca_ext', '-subj', '/CN=digestpin test CA']);
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  await openssl(dir, keyFile, certFile,
    ['-extensions', 'server_ext', '-CA', caFile, '-CAkey', caKey, '-subj', '/CN=127.0.0.1']);
  const [caPem, certPem, keyPem] = await Promise.all([caFile, certFile, keyFile].map((f) => readFile(f, 'utf8')));
  return { caPem: caPem!, caFile, certFile, keyFile, certPem: certPem!, keyPem: keyPem! };
}

/** createSigningCert generates the token signer: a self-signed certificate that goes into the registry's rootcertbundle. */
export async function createSigningCert(dir: string): Promise<SigningCert> {
  await writeConfig(dir);
  const certFile = join(dir, 'token-signer.crt');
  const keyFile = join(dir, 'token-signer.key');
  await openssl(dir, keyFile, certFile, ['-extensions', 'signer_ext', '-subj', '/CN=digestpin token signer']);
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { certFile, certPem, keyPem };
}
