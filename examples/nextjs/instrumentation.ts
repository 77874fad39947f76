/** Runs once when the server starts: opens the database and creates its schema, failing fast if it cannot. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { db } = await import("./lib/db");
    db();
  }
}
