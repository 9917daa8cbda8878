// Test support: a throwaway certificate authority and certificates it signed, made with
// the openssl command (Debian's; .ci/run installs it), for TLS and mutual TLS tests of
// the HTTP API and the Kafka clients. EC keys: quick to make.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export interface CertificateFiles {
  /** PEM files. */
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificates {
  readonly dir: string;
  /** The CA's certificate (PEM file). */
  readonly ca: string;
  /** For servers on this machine: 127.0.0.1, 127.0.0.2, ::1 and localhost. */
  readonly server: CertificateFiles;
  /** A client certificate (mutual TLS). */
  readonly client: CertificateFiles;
  /** Signed by another CA: must be refused. */
  readonly stranger: CertificateFiles;
  read(path: string): Promise<string>;
  close(): Promise<void>;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await exec("openssl", args, { cwd: dir });
}

async function authority(dir: string, name: string): Promise<void> {
  await openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  );
}

async function issue(dir: string, ca: string, name: string, extensions: string): Promise<CertificateFiles> {
  await openssl(
    dir,
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${name}`,
  );
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.pem`,
    "-CAkey",
    `${ca}.key`,
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  );
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "eddy-certs-"));
  await authority(dir, "eddy-test-ca");
  await authority(dir, "other-ca");
  const server = await issue(
    dir,
    "eddy-test-ca",
    "server",
    // 127.0.0.2: the TLS endpoint in front of the embedded broker (tls-proxy.ts).
    "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  const client = await issue(dir, "eddy-test-ca", "client", "extendedKeyUsage=clientAuth\n");
  const stranger = await issue(dir, "other-ca", "stranger", "extendedKeyUsage=clientAuth\n");
  return {
    dir,
    ca: join(dir, "eddy-test-ca.pem"),
    server,
    client,
    stranger,
    read: (path) => readFile(path, "utf8"),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
