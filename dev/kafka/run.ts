// Runs the external tools the test bed relies on (java, keytool, mvn) and turns failures into advice.

const INSTALL_HINTS: Record<string, string> = {
  java:
    "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME",
  keytool: "keytool ships with the Java runtime (Debian: apt-get install openjdk-17-jre-headless)",
  mvn: "install Maven 3.8+ (Debian: apt-get install maven)",
  setsid: "install util-linux (Debian: apt-get install util-linux)",
};

export class ToolError extends Error {
  override name = "ToolError";
}

/** Prefers $JAVA_HOME so the broker runs on the JDK the developer chose, not whatever is on PATH. */
export function javaTool(name: "java" | "keytool"): string {
  const javaHome = Deno.env.get("JAVA_HOME");
  if (javaHome) {
    const candidate = `${javaHome}/bin/${name}`;
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // fall back to PATH below
    }
  }
  return name;
}

function toolName(cmd: string): string {
  return cmd.split("/").pop() ?? cmd;
}

export function missingToolError(cmd: string): ToolError {
  const name = toolName(cmd);
  const hint = INSTALL_HINTS[name] ?? `install ${name}`;
  return new ToolError(`'${cmd}' was not found: ${hint}.`);
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Runs a command to completion; a non-zero exit throws with the end of its output attached. */
export async function run(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw missingToolError(cmd);
    throw err;
  }
  const decoder = new TextDecoder();
  const result = { stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
  if (!output.success) {
    const detail = tail(`${result.stdout}\n${result.stderr}`, 30);
    throw new ToolError(
      `${toolName(cmd)} ${args.slice(0, 3).join(" ")} … exited with ${output.code}:\n${detail}`,
    );
  }
  return result;
}

/** Kafka 4 needs Java 17; checking first gives a clearer error than a JVM class-version crash. */
export async function requireJava(minMajor = 17): Promise<void> {
  const { stdout, stderr } = await run(javaTool("java"), ["-version"]);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${stderr}\n${stdout}`);
  let major = match ? Number(match[1]) : NaN;
  // Java 8 and older report themselves as "1.x".
  if (major === 1 && match?.[2] !== undefined) major = Number(match[2]);
  if (!(major >= minMajor)) {
    throw new ToolError(
      `Java ${minMajor}+ is required for Kafka 4 but '${javaTool("java")} -version' says: ${
        stderr.split("\n")[0] ?? "?"
      }; ${INSTALL_HINTS["java"]}.`,
    );
  }
}
