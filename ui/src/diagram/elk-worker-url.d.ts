/** Vite's `?url` import: the address of elkjs's worker script, emitted as an asset of the build. */
declare module 'elkjs/lib/elk-worker.min.js?url' {
  const url: string;
  export default url;
}
