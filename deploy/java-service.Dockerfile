# One of MiniKafka's Java services, built from the repository with the Maven wrapper (as users build it)
# and run on a JRE. The build context is the repository root; MODULE names the Maven module, MAVEN_ARGS adds
# flags (the demo services pick their binder with a profile). Every Java service uses this one file, so the
# five images differ only in the arguments docker-compose.yml gives them.
ARG JDK_IMAGE=eclipse-temurin:25-jdk
ARG JRE_IMAGE=eclipse-temurin:25-jre

FROM ${JDK_IMAGE} AS build
ARG MODULE
ARG MAVEN_ARGS=""
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl "${MODULE}" -am package ${MAVEN_ARGS} \
 && cp "${MODULE}"/target/*-exec.jar /app.jar

FROM ${JRE_IMAGE}
# curl for the healthchecks in docker-compose.yml.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home minikafka && mkdir -p /data && chown minikafka /data
USER minikafka
WORKDIR /home/minikafka
COPY --from=build /app.jar app.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "app.jar"]
