// The Kafka client, pinned. Only src/kafka/ (and the dev test bed) import it.
export * as kafka from "npm:@platformatic/kafka@2.12.1";
