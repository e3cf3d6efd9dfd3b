package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class InsecureFakeKmsClientTest {
  private final InsecureFakeKmsClient kms = new InsecureFakeKmsClient();

  @Test
  void newKeyUri_givesAnAeadThatReallyEncrypts() throws Exception {
    String uri = InsecureFakeKmsClient.newKeyUri();
    assertThat(uri).startsWith("fake-kms://");
    Aead aead = kms.getAead(uri);
    byte[] pt = "secret".getBytes(StandardCharsets.UTF_8);
    byte[] ct = aead.encrypt(pt, new byte[] {1});
    assertThat(new String(ct, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    assertThat(kms.getAead(uri).decrypt(ct, new byte[] {1})).isEqualTo(pt);
    assertThatThrownBy(() -> aead.decrypt(ct, new byte[] {2}))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void differentUris_areDifferentKeys() throws Exception {
    byte[] ct = kms.getAead(InsecureFakeKmsClient.newKeyUri()).encrypt(new byte[] {1}, new byte[0]);
    Aead other = kms.getAead(InsecureFakeKmsClient.newKeyUri());
    assertThatThrownBy(() -> other.decrypt(ct, new byte[0]))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void doesSupport_onlyFakeKmsUris() {
    assertThat(kms.doesSupport("fake-kms://abc")).isTrue();
    assertThat(kms.doesSupport("FAKE-KMS://abc")).isTrue();
    assertThat(kms.doesSupport("aws-kms://arn")).isFalse();
    assertThat(kms.doesSupport(null)).isFalse();
  }

  @Test
  void getAead_withBadUri_failsWithoutRepeatingIt() {
    assertThatThrownBy(() -> kms.getAead("fake-kms://!!notbase64!!"))
        .isInstanceOf(GeneralSecurityException.class)
        .message()
        .doesNotContain("notbase64");
    assertThatThrownBy(() -> kms.getAead("fake-kms://AAAA"))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> kms.getAead("gcp-kms://x"))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void credentials_areIgnored() throws Exception {
    assertThat(kms.withCredentials("/nowhere")).isSameAs(kms);
    assertThat(kms.withDefaultCredentials()).isSameAs(kms);
  }
}
