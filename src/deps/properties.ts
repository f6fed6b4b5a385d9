// Java .properties parsing (Kafka's client.properties / --command-config files), pinned.
export { parse as parseProperties } from "npm:dot-properties@1.1.2";
