// Module resolution hook of the Lambda workers: an import made by a module of a function (its URL
// carries `lambda-fn=<name>`) gets the same marker, unless it resolves into node_modules. So each
// function has its own instances of the application's modules, and shares the dependencies.
const MARK = 'lambda-fn';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (
    !parent?.includes(`${MARK}=`) ||
    !result.url.startsWith('file:') ||
    result.url.includes('/node_modules/')
  )
    return result;
  const fn = new URL(parent).searchParams.get(MARK);
  const url = new URL(result.url);
  if (!fn || url.searchParams.has(MARK)) return result;
  url.searchParams.set(MARK, fn);
  return { ...result, url: url.href };
}
