// Module resolution hook: adds the "development" condition so package exports point at src/.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("development")
    ? context.conditions
    : [...context.conditions, "development"];
  return nextResolve(specifier, { ...context, conditions });
}
