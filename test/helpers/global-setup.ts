/** Runs once before the suite. Kept for shared preconditions (build artifacts, database URLs). */
export default function setup(): void {}
