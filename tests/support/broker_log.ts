// Ground truth for bytes per record: the size of a topic's log segment files in the local
// broker's data folder, divided by the records the log holds (high watermark − log start).
import { join } from "node:path";
import type { TopicProfile } from "../../dev/workload/profile.ts";
import { EARLIEST, type KafkaCluster, LATEST } from "../../src/kafka/cluster.ts";

export async function logBytesPerRecord(
  cluster: KafkaCluster,
  dataDir: string,
  topic: Pick<TopicProfile, "name" | "partitions">,
): Promise<number> {
  let bytes = 0;
  for (let p = 0; p < topic.partitions; p++) {
    const dir = join(dataDir, `${topic.name}-${p}`);
    for await (const e of Deno.readDir(dir)) {
      if (e.name.endsWith(".log")) bytes += (await Deno.stat(join(dir, e.name))).size;
    }
  }
  const refs = Array.from(
    { length: topic.partitions },
    (_, partition) => ({ topic: topic.name, partition }),
  );
  const [start, end] = await Promise.all([
    cluster.offsetsAt(refs, EARLIEST),
    cluster.offsetsAt(refs, LATEST),
  ]);
  let records = 0n;
  for (const [key, hw] of end) records += hw - (start.get(key) ?? 0n);
  return bytes / Number(records);
}
