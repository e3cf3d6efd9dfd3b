package dev.nexussecurity.core;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test stand-in for a binding-aware codec (the real one, in codec-tink, authenticates the
 * binding): it writes the current binding's id and direction into each payload's metadata and, on
 * decode, reports a verified input when they name the binding in force on the decoding thread. No
 * cryptography: it only exercises the {@link PayloadBindings} contract.
 */
final class BindingTestCodec implements PayloadCodec {
  static final String KEY = "test-binding";

  /** An input containing this text is refused on the handler, as a forged one would be. */
  static final String FORGED = "forged";

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    Optional<PayloadBinding> binding = PayloadBindings.current();
    if (binding.isEmpty()) {
      return payloads;
    }
    List<Payload> out = new ArrayList<>();
    for (Payload p : payloads) {
      out.add(
          p.toBuilder()
              .putMetadata(
                  KEY,
                  ByteString.copyFrom(
                      binding.get().getBindingId() + "/" + binding.get().getDirection(),
                      StandardCharsets.UTF_8))
              .build());
    }
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    Optional<PayloadBinding> binding = PayloadBindings.current();
    List<Payload> out = new ArrayList<>();
    for (Payload p : payloads) {
      ByteString tag = p.getMetadataMap().get(KEY);
      if (binding.isPresent()
          && binding.get().getDirection() == PayloadBinding.Direction.INPUT
          && p.getData().toStringUtf8().contains(FORGED)) {
        // what the real codec does with an input it refuses on the handler
        PayloadBindings.recordRejectedInput(
            binding.get().getBindingId(), "TEST_REFUSED", "the input says it is forged");
        List<Payload> nulls = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
          nulls.add(
              Payload.newBuilder()
                  .putMetadata("encoding", ByteString.copyFromUtf8("binary/null"))
                  .build());
        }
        return nulls;
      }
      if (tag != null
          && binding.isPresent()
          && binding.get().getDirection() == PayloadBinding.Direction.INPUT
          && tag.toStringUtf8().equals(binding.get().getBindingId() + "/INPUT")) {
        PayloadBindings.recordVerifiedInput(binding.get().getBindingId());
      }
      out.add(p.toBuilder().removeMetadata(KEY).build());
    }
    return out;
  }
}
