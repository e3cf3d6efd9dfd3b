package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccountRoleRequiredExceptionTest {

  @Test
  void message_namesPrincipalOperationEndpointAndMissingRole() {
    AccountRoleRequiredException e =
        new AccountRoleRequiredException(
            "bob",
            RegistryOperation.CREATE,
            "payments",
            AccountRole.READ_ONLY,
            "account role Developer or higher");

    assertThat(e)
        .isInstanceOf(PermissionDeniedException.class)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage(
            "Principal 'bob' may not create endpoint 'payments': missing account role Developer"
                + " or higher (has READ_ONLY)");
    assertThat(e.getPrincipalId()).isEqualTo("bob");
    assertThat(e.getOperation()).isEqualTo(RegistryOperation.CREATE);
    assertThat(e.getEndpointName()).isEqualTo("payments");
    assertThat(e.getActualRole()).isEqualTo(AccountRole.READ_ONLY);
    assertThat(e.getRequirement()).isEqualTo("account role Developer or higher");
  }

  @Test
  void message_forList_speaksOfEndpointsInGeneral() {
    AccountRoleRequiredException e =
        new AccountRoleRequiredException(
            "nobody", RegistryOperation.LIST, null, AccountRole.NONE, "a role other than None");

    assertThat(e)
        .hasMessage(
            "Principal 'nobody' may not list endpoints: missing a role other than None (has NONE)");
    assertThat(e.getEndpointName()).isNull();
  }
}
