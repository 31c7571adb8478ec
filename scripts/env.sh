# Sourced by the README's commands and by .ci/run: the JDK to build and run with.
for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/temurin-21-jdk-amd64; do
  if [ -x "$jdk/bin/java" ]; then export JAVA_HOME=$jdk; break; fi
done
if [ -z "${JAVA_HOME:-}" ]; then
  echo "no JDK 21+ found under /usr/lib/jvm" >&2
  return 1 2>/dev/null || exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
JAVA_RUN_FLAGS="--enable-native-access=ALL-UNNAMED"
if [ "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')" -ge 23 ]; then
  JAVA_RUN_FLAGS="$JAVA_RUN_FLAGS --sun-misc-unsafe-memory-access=allow"
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
export JAVA_RUN_FLAGS
