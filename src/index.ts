// The public API of Eddy. Everything not exported here (or from the ./broker and
// ./testing subpaths) is internal.
export const VERSION = "0.1.0";
