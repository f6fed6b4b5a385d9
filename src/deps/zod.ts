// Schema validation, pinned.
export { z } from "npm:zod@4.6.7";
