// `.env` parsing, pinned: only the pure `parse`, never `config` (which mutates the environment).
export { parse as parseDotenv } from "npm:dotenv@18.0.10";
