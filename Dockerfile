# Build stage: the Swift toolchain image, plus libnghttp2-dev as the design asks.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnghttp2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Seeds ./Seeds
COPY Specs ./Specs
RUN swift build -c release --static-swift-stdlib --product understudy \
 && cp "$(swift build -c release --show-bin-path)/understudy" /usr/local/bin/understudy

# Runtime stage: a slim Debian with only what the binary links against dynamically.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/understudy /usr/local/bin/understudy
EXPOSE 8080
USER nobody
ENTRYPOINT ["understudy"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
