package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.TestCodecs;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SecurityContextTest {
  static SecurityContext context() {
    return new SecurityContext(
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(NamespaceKeys.generate("payments", false))
            .setRegistry(new MapRegistry())
            .build());
  }

  @Test
  void handlerFingerprint_underConcurrentConverters_isAlwaysTheConvertersOwn() throws Exception {
    SecurityContext ctx = context();
    DataConverter a =
        new CodecDataConverter(
            DefaultDataConverter.newDefaultInstance(), List.of(TestCodecs.keyed("key-a")));
    DataConverter b = DefaultDataConverter.newDefaultInstance();
    ConverterFingerprint fa = ConverterFingerprint.of(a);
    ConverterFingerprint fb = ConverterFingerprint.of(b);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<Boolean> ra = pool.submit(() -> same(ctx, a, fa, go));
      Future<Boolean> rb = pool.submit(() -> same(ctx, b, fb, go));
      go.countDown();
      assertThat(ra.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(rb.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean same(
      SecurityContext ctx, DataConverter c, ConverterFingerprint expected, CountDownLatch go)
      throws InterruptedException {
    go.await();
    for (int i = 0; i < 2_000; i++) {
      if (!ctx.handlerFingerprint(c).equals(expected)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void resultBindings_keepTheMostRecentTenThousand() {
    SecurityContext ctx = context();
    dev.nexussecurity.api.PayloadBinding b =
        dev.nexussecurity.api.PayloadBinding.newBuilder()
            .setDirection(dev.nexussecurity.api.PayloadBinding.Direction.RESULT)
            .setBindingId("jti")
            .setCallerNamespace("orders")
            .setHandlerNamespace("payments")
            .setEndpoint("pay")
            .setService("Payments")
            .setOperation("charge")
            .setCallerWorkflowId("wf")
            .build();
    for (int i = 0; i <= SecurityContext.MAX_RESULT_BINDINGS; i++) {
      ctx.rememberResultBinding("wf-" + i, b);
    }
    assertThat(ctx.resultBinding("wf-0")).isNull();
    assertThat(ctx.resultBinding("wf-1")).isSameAs(b);
    assertThat(ctx.resultBinding("wf-" + SecurityContext.MAX_RESULT_BINDINGS)).isSameAs(b);
  }

  @Test
  void handlerFingerprint_isTheConfiguredConvertersOrElseTheClientsOrElseUnknown() {
    DataConverter configured = DefaultDataConverter.newDefaultInstance();
    SecurityContext withConverter =
        new SecurityContext(
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(NamespaceKeys.generate("payments", false))
                .setRegistry(new MapRegistry())
                .setDataConverter(configured)
                .setCheckConverterCompatibility(true)
                .build());
    DataConverter other =
        new CodecDataConverter(
            DefaultDataConverter.newDefaultInstance(), List.of(TestCodecs.keyed("key-a")));
    assertThat(withConverter.handlerFingerprint(other))
        .isEqualTo(ConverterFingerprint.of(configured));
    assertThat(withConverter.callerFingerprintHeader)
        .isEqualTo(ConverterFingerprint.of(configured).toHeaderValue());

    SecurityContext derived = context();
    assertThat(derived.handlerFingerprint(null)).isEqualTo(ConverterFingerprint.unknown());
    assertThat(derived.handlerFingerprint(other)).isEqualTo(ConverterFingerprint.of(other));
    assertThat(derived.callerFingerprintHeader).isNull();

    SecurityContext unchecked =
        new SecurityContext(
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(NamespaceKeys.generate("payments", false))
                .setRegistry(new MapRegistry())
                .setDataConverter(configured)
                .setCheckConverterCompatibility(false)
                .build());
    assertThat(unchecked.callerFingerprintHeader).isNull();
  }
}
