// Ground truth for bytes per record: the size of a topic's log segment files in the local
// broker's data folder, divided by the records the log holds (high watermark − log start).
//
// Retention can delete a segment while this looks (a short-retention topic seeded with a
// week of history does, any minute): the broker moves the log start first and renames the
// file afterwards. So the files are listed first and only segments at or after the log start
// read afterwards are counted (a segment file is named after its first offset).
import { join } from "node:path";
import type { TopicProfile } from "../../dev/workload/profile.ts";
import { EARLIEST, type KafkaCluster, LATEST, partitionKey } from "../../src/kafka/cluster.ts";

export async function logBytesPerRecord(
  cluster: KafkaCluster,
  dataDir: string,
  topic: Pick<TopicProfile, "name" | "partitions">,
): Promise<number> {
  const segments: { partition: number; baseOffset: bigint; size: number }[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    const dir = join(dataDir, `${topic.name}-${p}`);
    for await (const e of Deno.readDir(dir)) {
      if (!e.name.endsWith(".log")) continue;
      const size = (await Deno.stat(join(dir, e.name)).catch(() => null))?.size;
      if (size !== undefined) {
        segments.push({ partition: p, baseOffset: BigInt(e.name.slice(0, -4)), size });
      }
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
  const bytes = segments
    .filter((s) => s.baseOffset >= (start.get(partitionKey(topic.name, s.partition)) ?? 0n))
    .reduce((sum, s) => sum + s.size, 0);
  let records = 0n;
  for (const [key, hw] of end) records += hw - (start.get(key) ?? 0n);
  return bytes / Number(records);
}
