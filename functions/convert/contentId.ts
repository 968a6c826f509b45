/** The content id rule lives in shared/: the token service derives the same id for a session. */
export { contentIdFor } from "../../shared/contentId";
