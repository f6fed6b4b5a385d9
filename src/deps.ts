// The one place where third-party packages are pinned. Every other module imports from
// here (never a bare specifier), so the tool also runs from a URL, where no deno.json
// import map applies, and a version bump is a one-line change.
export * as kafka from "npm:@platformatic/kafka@2.12.1";
export { z } from "npm:zod@4.6.7";
