// YAML parsing for tests that read action.yml and the workflows (pinned; tests only).
export { parse as parseYaml } from "npm:yaml@2.9.1";
