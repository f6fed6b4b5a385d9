// The CLI (main.ts) with every cluster measured on workers, however few its partitions: a
// small test topic would otherwise be measured by the main thread (plan/chunks.ts), and a test
// of what a worker does on a terminal would test nothing.
import { main } from "../../main.ts";
import { DEFAULT_CHUNK_LIMITS } from "../../src/plan/chunks.ts";

Deno.exit(await main(Deno.args, { chunkLimits: { ...DEFAULT_CHUNK_LIMITS, workersFrom: 1 } }));
