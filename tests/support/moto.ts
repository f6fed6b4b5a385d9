// A real local AWS Secrets Manager for tests: the pinned moto server (installed on first use
// by dev/aws/ensure_moto.sh), started on a free loopback port, and secrets seeded into it
// through the AWS SDK itself, as an operator would create them.
import { join } from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "../../src/deps/aws.ts";

const ENSURE = new URL("../../dev/aws/ensure_moto.sh", import.meta.url).pathname;

/** Dummy credentials: moto accepts any, and the SDK refuses to sign without some. */
export const MOTO_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

export interface Moto {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  endpoint: string;
  /** moto's request log (its stderr), for failure messages. */
  logFile: string;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Extra environment for moto_server, e.g. INITIAL_NO_AUTH_ACTION_COUNT=0 to check credentials. */
  env?: Record<string, string>;
}

let serverPath: Promise<string> | undefined;

/** The moto_server executable, installed once per test process if it is missing. */
function motoServer(): Promise<string> {
  serverPath ??= (async () => {
    const out = await new Deno.Command("bash", { args: [ENSURE], stderr: "inherit" }).output();
    const path = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    if (!out.success || path === "") throw new Error(`${ENSURE} failed (exit ${out.code})`);
    return path;
  })();
  return serverPath;
}

/** A port that was free a moment ago (moto binds it itself, so a race is retried). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** Starts a moto server and waits until it answers HTTP. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const server = await motoServer();
  let lastError = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const dir = await Deno.makeTempDir({ prefix: "kpr-moto-" });
    const logFile = join(dir, "moto.log");
    const log = await Deno.open(logFile, { write: true, create: true, truncate: true });
    const child = new Deno.Command(server, {
      args: ["-H", "127.0.0.1", "-p", String(port)],
      env: { ...MOTO_ENV, ...options.env },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // moto (werkzeug) logs every request to stderr, so an unread pipe would fill up.
    const copied = child.stderr.pipeTo(log.writable).catch(() => {});
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const stop = async () => {
      if (!exited) child.kill("SIGTERM");
      await status;
      await copied;
    };

    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      if (await answers(`${endpoint}/moto-api/`)) return { endpoint, logFile, stop };
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    lastError = `moto_server on port ${port} ${exited ? "exited" : "did not answer in 30 s"}: ${
      (await Deno.readTextFile(logFile)).slice(-2_000)
    }`;
  }
  throw new Error(lastError);
}

// moto needs no credentials itself; these keep it from reading the host's AWS settings.
const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  AWS_DEFAULT_REGION: "us-east-1",
};

/** Creates a secret in moto with the SDK: text as is, bytes as binary, anything else as JSON. */
export async function createSecret(
  endpoint: string,
  region: string,
  name: string,
  value: string | Uint8Array | object,
): Promise<void> {
  const client = new SecretsManagerClient({ region, endpoint, credentials: MOTO_CREDENTIALS });
  try {
    const content = typeof value === "string"
      ? { SecretString: value }
      : value instanceof Uint8Array
      ? { SecretBinary: value }
      : { SecretString: JSON.stringify(value) };
    await client.send(new CreateSecretCommand({ Name: name, ...content }));
  } finally {
    client.destroy();
  }
}
