// Levenshtein distance for "did you mean …?" suggestions, pinned.
export { default as leven } from "npm:leven@4.1.0";
