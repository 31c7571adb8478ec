# The zunvx image used by the Helm chart: one jar, every role chosen by its first argument (api, scheduler, compute,
# wsproxy, migrate, all-in-one). Build the jar first: mvn -DskipTests package; then docker build -t zunvx:0.1.0 .
FROM eclipse-temurin:25-jre
COPY launcher/target/zunvx.jar /opt/zunvx/zunvx.jar
# Roles other than compute run as an unprivileged user; the chart runs compute as root for the node's Docker socket.
USER 10001:10001
WORKDIR /tmp
ENV JAVA_TOOL_OPTIONS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:MaxRAMPercentage=75"
EXPOSE 9517 6784 9518 9510
ENTRYPOINT ["java", "-jar", "/opt/zunvx/zunvx.jar"]
