// std-style assertions for the tests. @std/assert lives on JSR, which these machines cannot
// reach, so this wraps node:assert (built into Deno) with the names std users know.
import nodeAssert from "node:assert/strict";

export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  nodeAssert.match(actual, expected, message);
}

export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  if (!actual.includes(expected)) {
    throw new nodeAssert.AssertionError({
      message: message ?? `expected text to include ${JSON.stringify(expected)}:\n${actual}`,
      actual,
      expected,
    });
  }
}

export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance: number,
  message?: string,
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new nodeAssert.AssertionError({
      message: `${
        message ? `${message}: ` : ""
      }${actual} is not within ${tolerance} of ${expected}`,
      actual,
      expected,
    });
  }
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Runs `fn`, expects it to throw an instance of `errorClass`, and returns that error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClass?: ErrorClass<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    return checkError(e, errorClass, includes);
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}

export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  errorClass?: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, errorClass, includes);
  }
  throw new nodeAssert.AssertionError({ message: "expected the promise to reject" });
}

function checkError<E extends Error>(e: unknown, errorClass?: ErrorClass<E>, includes?: string): E {
  const cls = errorClass ?? (Error as unknown as ErrorClass<E>);
  if (!(e instanceof cls)) {
    throw new nodeAssert.AssertionError({
      message: `expected ${cls.name}, got ${
        e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      }`,
    });
  }
  if (includes !== undefined && !e.message.includes(includes)) {
    throw new nodeAssert.AssertionError({
      message: `expected the error message to include ${JSON.stringify(includes)}: ${e.message}`,
    });
  }
  return e;
}
