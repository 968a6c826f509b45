/**
 * Sets environment variables for a test file that loads a handler's entry point (which reads
 * its environment as it loads), and returns what puts the environment back, so that the
 * next file in the same worker process does not inherit them.
 */
export function setEnvironment(variables: Record<string, string>): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  return () => {
    for (const name of Object.keys(process.env)) {
      if (!(name in saved)) delete process.env[name];
    }
    Object.assign(process.env, saved);
  };
}
