// CSV writing, pinned.
export { stringify as stringifyCsv } from "npm:csv-stringify@6.9.0/sync";
