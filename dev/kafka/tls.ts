// Creates a private CA and a localhost broker certificate, so clients verify hostnames as in production.

import { join } from "node:path";
import { withLock } from "./lock.ts";
import { javaTool, run } from "./run.ts";

export interface TlsMaterial {
  /** PKCS12 keystore with the broker key, its certificate and the CA chain. */
  keystore: string;
  password: string;
  /** PEM of the CA that signed the broker certificate; what clients trust. */
  caFile: string;
}

const FILES = { keystore: "broker.p12", password: "keystore-password", caFile: "ca.pem" };
const VALIDITY_DAYS = "3650";

async function load(dir: string): Promise<TlsMaterial | undefined> {
  try {
    const password = (await Deno.readTextFile(join(dir, FILES.password))).trim();
    const keystore = join(dir, FILES.keystore);
    const caFile = join(dir, FILES.caFile);
    await Deno.stat(keystore);
    await Deno.stat(caFile);
    return password ? { keystore, password, caFile } : undefined;
  } catch {
    return undefined;
  }
}

function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function generate(dir: string, password: string): Promise<void> {
  const keytool = javaTool("keytool");
  const ca = join(dir, "ca.p12");
  const broker = join(dir, FILES.keystore);
  const store = (
    path: string,
  ) => ["-keystore", path, "-storetype", "PKCS12", "-storepass", password];
  const keypair = ["-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS];

  await run(keytool, [
    ...keypair,
    "-alias",
    "ca",
    "-dname",
    "CN=kpr test bed CA",
    "-ext",
    "bc:c",
    ...store(ca),
  ]);
  await run(keytool, [
    "-exportcert",
    "-rfc",
    "-alias",
    "ca",
    "-file",
    join(dir, FILES.caFile),
    ...store(ca),
  ]);
  await run(keytool, [...keypair, "-alias", "broker", "-dname", "CN=localhost", ...store(broker)]);
  const csr = join(dir, "broker.csr");
  const cert = join(dir, "broker.pem");
  await run(keytool, ["-certreq", "-alias", "broker", "-file", csr, ...store(broker)]);
  await run(keytool, [
    "-gencert",
    "-rfc",
    "-alias",
    "ca",
    "-infile",
    csr,
    "-outfile",
    cert,
    "-validity",
    VALIDITY_DAYS,
    "-ext",
    "SAN=DNS:localhost,IP:127.0.0.1",
    "-ext",
    "KU:c=digitalSignature,keyEncipherment",
    "-ext",
    "EKU=serverAuth",
    ...store(ca),
  ]);
  // The CA must be in the keystore before the signed reply, or keytool cannot build the chain.
  const importCert = ["-importcert", "-noprompt"];
  await run(keytool, [
    ...importCert,
    "-alias",
    "ca",
    "-file",
    join(dir, FILES.caFile),
    ...store(broker),
  ]);
  await run(keytool, [...importCert, "-alias", "broker", "-file", cert, ...store(broker)]);
  await Deno.writeTextFile(join(dir, FILES.password), `${password}\n`, { mode: 0o600 });
}

export async function ensureTls(dir: string): Promise<TlsMaterial> {
  const existing = await load(dir);
  if (existing) return existing;
  const parent = join(dir, "..");
  await Deno.mkdir(parent, { recursive: true });
  return await withLock(`${dir}.lock`, async () => {
    const raced = await load(dir);
    if (raced) return raced;
    // Build in a side folder and rename, so a half-made keystore is never picked up.
    const partial = `${dir}.partial`;
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    await Deno.mkdir(partial, { recursive: true, mode: 0o700 });
    await generate(partial, randomPassword());
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.rename(partial, dir);
    const made = await load(dir);
    if (!made) throw new Error(`TLS material in ${dir} is incomplete after generation`);
    return made;
  });
}
