// kafka-partition-recommender: the command-line entry. The only module that exits the
// process; everything else throws typed errors that this maps to exit codes.
if (import.meta.main) {
  console.error("kafka-partition-recommender: the analyzer is not built yet (see issue 3).");
  Deno.exit(1);
}
