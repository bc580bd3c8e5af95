import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.runlake.functions.lambda.ShardEventHandler;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;

/**
 * One Lambda cold start of the shard-event handler, as the runtime does it: deserialize the S3 event JSON
 * (args[0]) with the Lambda serializer, construct the handler (store from RUNLAKE_URI), handle the event.
 * Prints the milliseconds from JVM start to the end of the constructor and to the handler's return. Compiled
 * with javac against a functions shaded jar (BENCHMARKS.md, "Delta lake tables"); the default package keeps
 * it one file that compiles against any version of that jar.
 */
public class ColdStart {
    public static void main(String[] args) throws Exception {
        S3Event event;
        try (InputStream in = new FileInputStream(args[0])) {
            event = LambdaEventSerializers.serializerFor(S3Event.class, ColdStart.class.getClassLoader())
                    .fromJson(in);
        }
        ShardEventHandler handler = new ShardEventHandler();
        long constructed = System.currentTimeMillis();
        String result = handler.handleRequest(event, null);
        long returned = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("init_ms=" + (constructed - jvmStart) + " handled_ms=" + (returned - jvmStart) + " "
                + result);
    }
}
