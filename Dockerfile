# digestpin as a small, non-root container image (for the scheduled `digestpin drift` job,
# see docs/drift.md and the kustomize base in examples/kubernetes/).
#
#   docker build -t digestpin:dev .
#   docker run --rm -v "$PWD:/work" -w /work digestpin:dev drift --format text
#
# Every stage starts from the same base, pinned by digest: the multi-arch index of
# docker.io/library/node:20-bookworm-slim (Node 20.20.x, Debian 12) at the time of writing.
# Where the digest comes from: no registry is reachable from this project's CI, so it was
# not resolved here; it is the published digest that several unrelated public repositories
# pin for this tag (found with a code search of public GitHub Dockerfiles and Go sources,
# e.g. `FROM node:20-bookworm-slim@sha256:2cf067cf…` in a Node service's Dockerfile and a
# build tool's `nodeImages` table). Verify it before you build:
#   digestpin resolve node:20-bookworm-slim     (or: skopeo inspect --raw docker://node:20-bookworm-slim | sha256sum)
# A tag alone can be re-pushed under us (the very thing `digestpin drift` watches for);
# the digest cannot. Bump it deliberately: `digestpin pin Dockerfile` rewrites these lines,
# and `digestpin drift` on the repo's lock reports when the tag has moved on.
# (No `# syntax=` line: that would pull the docker/dockerfile frontend by tag.)

# --- build: compile TypeScript with the full (dev) dependency set ----------------------
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No dependency needs an install script; refusing them keeps the build hermetic.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only ------------------------------------------------
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: node + dist + production node_modules, nothing else ----------------------
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS runtime
LABEL org.opencontainers.image.title="digestpin" \
      org.opencontainers.image.description="Pin container images to immutable registry digests; detect moved tags." \
      org.opencontainers.image.source="https://github.com/digestpin/digestpin" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim" \
      org.opencontainers.image.base.digest="sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# The official image's `node` user is uid/gid 1000. Numeric, so Kubernetes can verify
# `runAsNonRoot: true` (a user *name* makes the kubelet refuse to start the pod).
USER 1000:1000
WORKDIR /work
ENTRYPOINT ["node", "/app/bin/digestpin.js"]
CMD ["--help"]
