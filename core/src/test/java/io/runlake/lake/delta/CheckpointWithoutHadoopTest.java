package io.runlake.lake.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The query engine and the functions ship no Hadoop: the codec runs in a class loader built from this module's
 * test class path with every Hadoop jar removed.
 */
class CheckpointWithoutHadoopTest {
    private static final String HADOOP_GROUP = String.join(File.separator, "", "org", "apache", "hadoop", "");

    @Test
    void writesAndReadsCheckpointsWithNoHadoopClassAvailable() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            // Hadoop's own jars (Maven group org.apache.hadoop), not parquet-hadoop: that one is parquet-java.
            if (!entry.contains(HADOOP_GROUP)) urls.add(new File(entry).toURI().toURL());
        }
        assertFalse(urls.isEmpty());
        try (URLClassLoader noHadoop =
                new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThrows(
                    ClassNotFoundException.class,
                    () -> Class.forName("org.apache.hadoop.conf.Configuration", false, noHadoop));

            Object mapper = noHadoop.loadClass("com.fasterxml.jackson.databind.ObjectMapper")
                    .getConstructor()
                    .newInstance();
            Method readTree = mapper.getClass().getMethod("readTree", String.class);
            List<Object> actions = new ArrayList<>();
            for (String line : DeltaCheckpointCodecTest.ACTION_LINES) actions.add(readTree.invoke(mapper, line));
            Class<?> codec = noHadoop.loadClass(DeltaCheckpointCodec.class.getName());
            byte[] checkpoint = (byte[]) codec.getMethod("write", List.class).invoke(null, actions);
            List<?> decoded = (List<?>) codec.getMethod("read", byte[].class).invoke(null, (Object) checkpoint);

            assertEquals(actions.toString(), decoded.toString());
            assertEquals(codec.getClassLoader(), noHadoop);
        }
    }
}
